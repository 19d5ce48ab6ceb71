import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { obotStatus, paymentsStatus } from '../../__fixtures__/statuses';
import { BackupsTable, toBackupRows } from './BackupsTable';

describe('toBackupRows', () => {
  it('flattens bucket and CR facts, newest first', () => {
    const rows = toBackupRows(obotStatus.backups, 'obot-db-manual-1');
    expect(rows.map(r => [r.status, r.presence, r.highlighted])).toEqual([
      ['CR failed', 'cr-only', true],
      ['FAILED', 'both', false],
      ['DONE', 'both', false],
    ]);
    expect(rows[2]).toMatchObject({
      walRange: '000000010000000000000002 → 000000010000000000000003',
      lsnRange: '0/2000028 → 0/3000100',
      size: '46.0 MiB',
      compression: 'gzip',
      restorable: true,
      timeline: 1,
      duration: '12m',
    });
  });
});

describe('BackupsTable', () => {
  it('shows every backup with status, presence and the note', async () => {
    await renderInTestApp(<BackupsTable backups={obotStatus.backups} />);
    expect(screen.getByText(obotStatus.backups[0].id)).toBeInTheDocument();
    expect(screen.getByText('CR only')).toBeInTheDocument();
    expect(
      screen.getByText(/the upload failed before writing anything/),
    ).toBeInTheDocument();
    expect(screen.getAllByText('FAILED').length).toBeGreaterThan(0);
    expect(screen.getAllByText('not restorable')).toHaveLength(2);
    expect(screen.getAllByText('restorable')).toHaveLength(1);
  });

  it('offers "Restore…" on restorable rows only', async () => {
    const onRestore = jest.fn();
    await renderInTestApp(
      <BackupsTable backups={obotStatus.backups} onRestore={onRestore} />,
    );
    const buttons = screen.getAllByRole('button', { name: /Restore from/ });
    expect(buttons).toHaveLength(1);
    await userEvent.click(buttons[0]);
    expect(onRestore).toHaveBeenCalledWith(obotStatus.backups[0].id);
  });

  it('says so when there is no backup', async () => {
    await renderInTestApp(<BackupsTable backups={[]} />);
    expect(screen.getByText(/No base backup/)).toBeInTheDocument();
  });

  it('renders a row per backup', async () => {
    await renderInTestApp(<BackupsTable backups={paymentsStatus.backups} />);
    const table = screen.getByRole('table');
    expect(within(table).getAllByText('DONE')).toHaveLength(3);
  });

  it('keeps four columns in a narrow viewport, the start time under the id', async () => {
    const matchMedia = window.matchMedia;
    // Below the md breakpoint (960 px): every max-width query matches.
    window.matchMedia = ((query: string) => ({
      matches: /max-width/.test(query),
      media: query,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      onchange: null,
      dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
    try {
      await renderInTestApp(
        <BackupsTable backups={paymentsStatus.backups} onRestore={() => {}} />,
      );
      const headers = screen
        .getAllByRole('columnheader')
        .map(h => h.textContent);
      expect(headers).toEqual(['Backup', 'Status', 'Where', 'Actions']);
      const firstRow = screen.getAllByRole('row')[1];
      expect(
        within(firstRow).getAllByText(/^\d{4}-\d\d-\d\d \d\d:\d\d$/),
      ).toHaveLength(1);
    } finally {
      window.matchMedia = matchMedia;
    }
  });
});

describe('BackupsTable status cell', () => {
  it("takes the light from the backend's severity, never from the label", async () => {
    const [first, second, third] = obotStatus.backups;
    const backups = [
      {
        ...first,
        display: { status: 'SOMETHING NEW', severity: 'error' as const },
      },
      { ...second, display: { status: 'DONE', severity: 'running' as const } },
      {
        ...third,
        display: { status: 'CR completed', severity: 'unknown' as const },
      },
    ];
    await renderInTestApp(<BackupsTable backups={backups} />);
    expect(
      screen.getByLabelText('Status error').parentElement,
    ).toHaveTextContent('SOMETHING NEW');
    expect(
      screen.getByLabelText('Status running').parentElement,
    ).toHaveTextContent('DONE');
    expect(
      screen.getByLabelText('Status pending').parentElement,
    ).toHaveTextContent('CR completed');
    expect(screen.queryByLabelText('Status ok')).toBeNull();
  });
});
