import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  cnpgMainStatus,
  entityResponse,
  immichStatus,
  paymentsStatus,
} from '../../__fixtures__/statuses';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { EntityCnpgBackupsContent } from './EntityCnpgBackupsContent';

// Renders whole pages (tables, the lazily loaded chart): slow on a busy 2-core machine.
jest.setTimeout(30_000);

describe('EntityCnpgBackupsContent', () => {
  it('renders every section for each database', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockResolvedValue(
      entityResponse([cnpgMainStatus, immichStatus]),
    );
    await renderOnEntityPage(<EntityCnpgBackupsContent />, { api });
    await waitFor(() =>
      expect(screen.getAllByTestId('database-details')).toHaveLength(2),
    );
    const [first] = screen.getAllByTestId('database-details');
    const section = within(first);
    expect(
      section.getByRole('heading', { name: 'apps/cnpg-main' }),
    ).toBeInTheDocument();
    expect(section.getByText('Base backups')).toBeInTheDocument();
    expect(section.getByText('WAL continuity')).toBeInTheDocument();
    expect(section.getByText('Schedules')).toBeInTheDocument();
    expect(section.getByText('Archive')).toBeInTheDocument();
    expect(section.getByText('serverName lineage')).toBeInTheDocument();
    expect(
      section.getByText(/Timeline 1 misses 3 WAL segments/),
    ).toBeInTheDocument();
    // The chart is loaded lazily.
    expect(
      await section.findByTestId(
        'backup-timeline-chart',
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
  });

  it('rescans on demand and shows the fresher status', async () => {
    const api = mockCnpgApi();
    const fresher: DatabaseStatus = {
      ...paymentsStatus,
      health: { ...paymentsStatus.health, summary: 'Fresh from the bucket' },
    };
    api.getEntityStatus
      .mockResolvedValueOnce(entityResponse([paymentsStatus]))
      .mockResolvedValueOnce(entityResponse([fresher]));
    await renderOnEntityPage(<EntityCnpgBackupsContent />, { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Rescan now' }),
    );
    await waitFor(() =>
      expect(screen.getByText('Fresh from the bucket')).toBeInTheDocument(),
    );
    expect(api.getEntityStatus).toHaveBeenLastCalledWith(
      { kind: 'component', namespace: 'default', name: 'obot' },
      { refresh: true },
    );
  });

  it('opens the restore dialog from a table row', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus.mockResolvedValue(entityResponse([paymentsStatus]));
    await renderOnEntityPage(<EntityCnpgBackupsContent />, { api });
    const newest = paymentsStatus.backups[2].id;
    await userEvent.click(
      await screen.findByRole('button', { name: `Restore from ${newest}` }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('radio', { name: /A base backup/ }),
    ).toBeChecked();
    expect(within(dialog).getByText(new RegExp(newest))).toBeInTheDocument();
  });

  it('offers a retry after an error', async () => {
    const api = mockCnpgApi();
    api.getEntityStatus
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValueOnce(entityResponse([paymentsStatus]));
    await renderOnEntityPage(<EntityCnpgBackupsContent />, { api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Try again' }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('database-details')).toHaveLength(1),
    );
  });
});
