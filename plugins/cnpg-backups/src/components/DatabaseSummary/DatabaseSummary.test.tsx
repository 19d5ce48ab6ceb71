import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  brokenStatus,
  cnpgMainStatus,
  immichStatus,
  obotStatus,
  paymentsStatus,
  platformStatus,
} from '../../__fixtures__/statuses';
import { DatabaseSummary } from './DatabaseSummary';
import { pinClock } from '../../__testUtils__/clock';

/** The visible sentences of the summary: text of every leaf block, whitespace-normalised. */
function sentences(root: HTMLElement): string[] {
  return Array.from(root.querySelectorAll('p, span, div, h3'))
    .filter(e => !e.querySelector('p, span, div, h3'))
    .map(e => (e.textContent ?? '').replace(/\s+/g, ' ').trim())
    .filter(text => text.length > 12);
}

describe('DatabaseSummary (compact card)', () => {
  pinClock();

  it('shows one health line, the window, the last backup and the top finding with its fix', async () => {
    await renderInTestApp(<DatabaseSummary database={obotStatus} />);
    expect(
      screen.getByRole('heading', { name: 'obot/obot-db' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('health-summary')).getByText(
        'WAL archiving is failing',
      ),
    ).toHaveAttribute('data-health', 'error');
    expect(screen.getByTestId('recovery-window')).toHaveTextContent(
      /Recoverable from .*8 days ago\) to .*2 days ago/,
    );
    // The newest DONE backup, not the newer FAILED one, with the backend's level.
    const last = screen.getByTestId('last-backup');
    expect(last).toHaveTextContent(
      new RegExp(
        `^Error: Last backup: .+ ago · ${obotStatus.backups[0].id} \\(DONE\\)$`,
      ),
    );
    const top = screen.getByTestId('top-diagnosis');
    expect(top).toHaveAttribute('data-diagnosis', 'checksum-incompatibility');
    expect(top).toHaveTextContent(/boto3 ≥ 1.36/);
    expect(screen.getByTestId('top-diagnosis-fix')).toHaveTextContent(
      'Fix: Tell boto3 to send checksums only when required',
    );
    expect(top).toHaveTextContent('and 1 more finding on the Backups tab');
    // Details belong to the tab: no lights, no second finding, no snippet.
    expect(screen.queryByText(/^Archiving: /)).toBeNull();
    expect(screen.queryByText(/^Schedule: /)).toBeNull();
    expect(screen.queryByText(/has had no new segment/)).toBeNull();
    expect(screen.queryByText(/AWS_REQUEST_CHECKSUM_CALCULATION/)).toBeNull();
  });

  it.each([
    ['obot', obotStatus],
    ['cnpg-main', cnpgMainStatus],
    ['platform', platformStatus],
    ['immich', immichStatus],
    ['payments', paymentsStatus],
    ['broken', brokenStatus],
  ] as Array<[string, DatabaseStatus]>)(
    'shows no sentence twice (%s)',
    async (_name, database) => {
      const { container } = await renderInTestApp(
        <DatabaseSummary database={database} />,
      );
      const seen = sentences(container);
      expect(seen.length).toBeGreaterThan(2);
      expect(seen).toEqual([...new Set(seen)]);
    },
  );

  it('says the top finding once when it is the health summary', async () => {
    const database: DatabaseStatus = {
      ...cnpgMainStatus,
      health: {
        ...cnpgMainStatus.health,
        summary: cnpgMainStatus.diagnoses[0].message,
      },
    };
    const { container } = await renderInTestApp(
      <DatabaseSummary database={database} />,
    );
    const message = cnpgMainStatus.diagnoses[0].message;
    expect(container.textContent!.split(message).length - 1).toBe(1);
    expect(screen.getByTestId('top-diagnosis')).toHaveTextContent(/^Fix: /);
  });

  it("shows the backend's sentence when there is no backup to date", async () => {
    await renderInTestApp(
      <DatabaseSummary
        database={{
          ...platformStatus,
          backups: [],
          recoveryWindow: {
            ...platformStatus.recoveryWindow,
            operator: undefined,
          },
        }}
      />,
    );
    expect(screen.getByTestId('last-backup')).toHaveTextContent(
      'Last backup: No base backup in the bucket',
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

describe('the last backup line', () => {
  it('shows the backup the backend names, with its label and time, and picks none itself', async () => {
    // The backend names an older backup (e.g. by a rule the card does not know): the card shows
    // that one, its label and time, not the newest DONE backup it could find by itself.
    const named = paymentsStatus.backups[0];
    const database: DatabaseStatus = {
      ...paymentsStatus,
      lastBackupId: named.id,
      backups: paymentsStatus.backups.map(b =>
        b.id === named.id
          ? {
              ...b,
              display: {
                status: 'CR finalizing',
                severity: 'running',
                time: '2020-01-01T00:00:00Z',
              },
            }
          : b,
      ),
    };
    await renderInTestApp(<DatabaseSummary database={database} />);
    expect(screen.getByTestId('last-backup')).toHaveTextContent(
      new RegExp(` ago · ${named.id} \\(CR finalizing\\)$`),
    );
  });
});
