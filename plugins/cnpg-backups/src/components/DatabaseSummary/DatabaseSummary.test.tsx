import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  brokenStatus,
  obotStatus,
  paymentsStatus,
  platformStatus,
} from '../../__fixtures__/statuses';
import { DatabaseSummary, findLastBackup } from './DatabaseSummary';

describe('DatabaseSummary', () => {
  it('shows the three health lights, the window, the last backup and findings', async () => {
    await renderInTestApp(<DatabaseSummary database={obotStatus} />);
    expect(
      screen.getByRole('heading', { name: 'obot/obot-db' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('health-summary')).getByText(
        'WAL archiving is failing',
      ),
    ).toHaveAttribute('data-health', 'error');
    expect(
      screen.getByText(/Archiving: WAL archiving failing since 2 days/),
    ).toHaveAttribute('data-health', 'error');
    expect(
      screen.getByText('Last backup: Last successful backup 9 days ago'),
    ).toHaveAttribute('data-health', 'error');
    expect(screen.getByText(/Schedule: Daily at 03:00:00 UTC/)).toHaveAttribute(
      'data-health',
      'ok',
    );
    expect(screen.getByTestId('recovery-window')).toHaveTextContent(
      /Recoverable from .*8 days ago\) to .*2 days ago/,
    );
    // The newest DONE backup, not the newer FAILED one.
    expect(screen.getByTestId('last-backup')).toHaveTextContent(
      `${obotStatus.backups[0].id} (DONE)`,
    );
    expect(screen.getByText(/boto3 ≥ 1.36/)).toBeInTheDocument();
  });

  it('shows "none" without backups', async () => {
    await renderInTestApp(<DatabaseSummary database={platformStatus} />);
    expect(screen.getByTestId('last-backup')).toHaveTextContent(
      'Last backup: none',
    );
    expect(screen.getByText(/has 5 fields/)).toHaveAttribute(
      'data-health',
      'warning',
    );
  });

  it('shows the database errors inline with the rest', async () => {
    await renderInTestApp(<DatabaseSummary database={brokenStatus} />);
    expect(screen.getByTestId('source-error')).toHaveTextContent(
      'AccessDenied',
    );
    expect(
      screen.getByRole('heading', { name: 'legacy/legacy-db' }),
    ).toBeInTheDocument();
  });
});

describe('findLastBackup', () => {
  it('picks the newest DONE backup', () => {
    expect(findLastBackup(paymentsStatus.backups)?.id).toBe(
      paymentsStatus.backups[2].id,
    );
    expect(findLastBackup([])).toBeUndefined();
  });
});
