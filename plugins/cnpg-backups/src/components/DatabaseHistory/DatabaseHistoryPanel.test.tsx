import { screen, within } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import type { DatabaseHistory } from '@cnpg-backups/plugin-cnpg-backups-common';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { DatabaseHistoryPanel } from './DatabaseHistoryPanel';

// A pinned history: no clock is read to build it.
const history: DatabaseHistory = {
  databaseId: 'demo/apps/cnpg-main',
  points: [
    {
      takenAt: '2026-11-01T00:00:00Z',
      health: 'ok',
      exposureSeconds: 120,
      recoverable: true,
    },
    { takenAt: '2026-11-02T00:00:00Z', health: 'error', recoverable: false },
    {
      takenAt: '2026-11-03T00:00:00Z',
      health: 'warning',
      exposureSeconds: 7200,
      recoverable: true,
    },
    {
      takenAt: '2026-11-04T00:00:00Z',
      health: 'warning',
      exposureSeconds: 300,
      recoverable: true,
    },
  ],
  recoverableRatio30d: 29 / 30,
  diagnosisFirstSeen: {
    'wal-gap': '2026-11-03T00:00:00Z',
    'backup-failed': '2026-11-02T00:00:00Z',
  },
};

async function notFound() {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'no snapshot' },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    ) as any,
  );
}

describe('DatabaseHistoryPanel', () => {
  it('asks for 30 days of the database and shows the ratio, exposure and first appearances', async () => {
    const api = mockCnpgApi();
    api.getDatabaseHistory.mockResolvedValue(history);
    await renderOnEntityPage(
      <DatabaseHistoryPanel
        kubernetesCluster="demo"
        namespace="apps"
        name="cnpg-main"
        diagnosisTitles={{ 'wal-gap': 'WAL gap' }}
      />,
      { api },
    );
    expect(api.getDatabaseHistory).toHaveBeenCalledWith({
      kubernetesCluster: 'demo',
      namespace: 'apps',
      name: 'cnpg-main',
      days: 30,
    });
    // 29/30 = 96.67 %: rounded down, never up.
    expect(await screen.findByTestId('recoverable-ratio')).toHaveTextContent(
      '96.6%',
    );
    expect(screen.getByText(/Recoverable over the last 30 days/)).toBeVisible();
    expect(screen.getByText(/\(4 snapshots\)/)).toBeVisible();
    // Latest exposure is the last point with one; the worst is the maximum.
    expect(screen.getByText(/now 5m, worst 2h/)).toBeVisible();
    expect(screen.getByRole('img', { name: /worst 2h/ })).toBeInTheDocument();
    const items = within(
      screen.getByTestId('diagnosis-first-seen'),
    ).getAllByRole('listitem');
    // Oldest first; a known title replaces the id, an unknown id is shown as is.
    expect(items.map(i => i.getAttribute('data-diagnosis'))).toEqual([
      'backup-failed',
      'wal-gap',
    ]);
    expect(items[1]).toHaveTextContent(/^WAL gap:/);
    expect(items[0]).toHaveTextContent(/^backup-failed:/);
    expect(items[1].querySelector('time')?.getAttribute('datetime')).toBe(
      '2026-11-03T00:00:00Z',
    );
  });

  it('says no snapshot is stored yet on a 404 or an empty history', async () => {
    const api = mockCnpgApi();
    api.getDatabaseHistory.mockRejectedValue(await notFound());
    await renderOnEntityPage(
      <DatabaseHistoryPanel kubernetesCluster="demo" namespace="a" name="b" />,
      { api },
    );
    expect(await screen.findByText(/No snapshot stored yet/)).toBeVisible();
    expect(screen.queryByTestId('recoverable-ratio')).toBeNull();
  });

  it('names any other failure', async () => {
    const api = mockCnpgApi();
    api.getDatabaseHistory.mockRejectedValue(new Error('kaboom'));
    await renderOnEntityPage(
      <DatabaseHistoryPanel kubernetesCluster="demo" namespace="a" name="b" />,
      { api },
    );
    expect(
      await screen.findByText('History unavailable: kaboom'),
    ).toBeVisible();
  });

  it('shows a dash, not 100%, when the backend has no ratio', async () => {
    const api = mockCnpgApi();
    api.getDatabaseHistory.mockResolvedValue({
      ...history,
      recoverableRatio30d: undefined,
    });
    await renderOnEntityPage(
      <DatabaseHistoryPanel kubernetesCluster="demo" namespace="a" name="b" />,
      { api },
    );
    expect(await screen.findByTestId('recoverable-ratio')).toHaveTextContent(
      '—',
    );
  });
});
