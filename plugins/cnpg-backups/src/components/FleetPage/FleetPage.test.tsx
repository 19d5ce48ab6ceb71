import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  FleetPage as FleetPageResponse,
  FleetRow,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { mockCnpgApi, renderOnEntityPage } from '../../__testUtils__/testApp';
import { FleetPage } from './FleetPage';

// Pinned instants: nothing here reads the clock to build data.
function row(partial: Partial<FleetRow>): FleetRow {
  return {
    databaseId: `demo/${partial.namespace}/${partial.cluster}`,
    kubernetesCluster: 'demo',
    namespace: 'ns',
    cluster: 'db',
    health: 'ok',
    takenAt: '2026-11-22T10:15:00Z',
    walGapCount: 0,
    diagnoses: [],
    diagnosisFirstSeen: {},
    ...partial,
  };
}

const obot = row({
  namespace: 'ai-system',
  cluster: 'obot-postgresql',
  entityRef: 'component:default/obot',
  owner: 'group:default/guests',
  system: 'system:default/databases-demo',
  provider: 'rustfs',
  health: 'error',
  healthSummary: 'WAL archiving failing',
  exposureSeconds: 3 * 3600,
  lastRecoverableAt: '2026-11-22T07:15:00Z',
  diagnoses: [
    {
      id: 'checksum-incompatibility',
      severity: 'error',
      title: 'boto3 checksum error',
    },
  ],
  diagnosisFirstSeen: { 'checksum-incompatibility': '2026-11-20T00:00:00Z' },
  recoverableRatio30d: 0.5,
});
const unowned = row({
  namespace: 'analytics',
  cluster: 'reporting-db',
  health: 'warning',
  healthSummary: 'No backup configured',
  claimSnippet:
    'metadata:\n  annotations:\n    cnpg.io/cluster: analytics/reporting-db\n    cnpg.io/kubernetes-cluster: demo\n',
});

function page(items: FleetRow[], totalCount = items.length): FleetPageResponse {
  return {
    items,
    totalCount,
    countsByHealth: { error: 1, warning: 1, unknown: 0, ok: 4 },
    refreshedAt: '2026-11-22T10:15:00Z',
  };
}

async function renderFleet() {
  const api = mockCnpgApi();
  api.getFleet.mockResolvedValue(page([obot, unowned]));
  await renderOnEntityPage(<FleetPage />, { api });
  await screen.findByText('ai-system/obot-postgresql');
  return api;
}

// material-table renders slowly on a shared 2-core machine.
jest.setTimeout(30_000);

describe('FleetPage', () => {
  it('asks for the first page sorted by risk and shows counts, rows, links and the unowned row', async () => {
    const api = await renderFleet();
    expect(api.getFleet).toHaveBeenCalledTimes(1);
    expect(api.getFleet).toHaveBeenLastCalledWith({
      offset: 0,
      limit: 20,
      sort: 'risk',
      descending: undefined,
      health: undefined,
      owner: undefined,
      system: undefined,
      provider: undefined,
      diagnosis: undefined,
      search: undefined,
    });
    const counts = screen.getByTestId('fleet-counts');
    expect(
      within(counts).getByRole('button', { name: /Error: 1/ }),
    ).toBeVisible();
    expect(within(counts).getByRole('button', { name: /OK: 4/ })).toBeVisible();
    expect(counts).toHaveTextContent('6 in all');

    // The owned row links to its entity's Backups tab.
    expect(
      screen.getByRole('link', { name: 'ai-system/obot-postgresql' }),
    ).toHaveAttribute('href', '/catalog/default/component/obot/cnpg-backups');
    // jsdom's viewport is narrow: the compact layout says owner, cluster and provider under the
    // name, and the 30-day ratio under the exposure.
    expect(screen.getByText(/^guests · /)).toBeVisible();
    expect(screen.getByText('3h')).toBeVisible();
    expect(screen.getByText(/50\.0% recoverable \(30 d\)/)).toBeVisible();
    expect(screen.getByText('boto3 checksum error')).toBeVisible();

    // The unowned row: no link, "Unowned", and the claim snippet in a dialog.
    expect(
      screen.queryByRole('link', { name: 'analytics/reporting-db' }),
    ).toBeNull();
    expect(screen.getByTestId('unowned')).toBeVisible();
    await userEvent.click(
      screen.getByRole('button', { name: 'Claim analytics/reporting-db' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Claim analytics/reporting-db',
    });
    // CodeSnippet loads its highlighter lazily.
    await waitFor(() =>
      expect(within(dialog).getByTestId('claim-snippet')).toHaveTextContent(
        'cnpg.io/cluster: analytics/reporting-db',
      ),
    );
    expect(
      within(dialog).getByRole('button', { name: /copy/i }),
    ).toBeInTheDocument();
  });

  it('filters by health from the counts, back on the first page', async () => {
    const api = await renderFleet();
    await userEvent.click(screen.getByRole('button', { name: /Error: 1/ }));
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({ health: ['error'], offset: 0, sort: 'risk' }),
      ),
    );
    expect(screen.getByRole('button', { name: /Error: 1/ })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await userEvent.click(screen.getByRole('button', { name: /Warning: 1/ }));
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({ health: ['error', 'warning'] }),
      ),
    );
  });

  it('filters by provider, owner and diagnosis', async () => {
    const api = await renderFleet();
    fireEvent.mouseDown(screen.getByLabelText('Provider'));
    await userEvent.click(await screen.findByRole('option', { name: 'r2' }));
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({ provider: ['r2'], offset: 0 }),
      ),
    );
    const owner = screen.getByLabelText('Owner');
    await userEvent.type(owner, 'group:default/guests{enter}');
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({
          provider: ['r2'],
          owner: ['group:default/guests'],
        }),
      ),
    );
    // Diagnosis ids seen in the rows are offered.
    await userEvent.click(screen.getByLabelText('Diagnosis'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'checksum-incompatibility' }),
    );
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({ diagnosis: ['checksum-incompatibility'] }),
      ),
    );
  });

  it('sorts on the server when a column header is clicked', async () => {
    const api = await renderFleet();
    await userEvent.click(
      screen.getByRole('button', { name: 'Data-loss exposure' }),
    );
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'exposure', descending: false }),
      ),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Data-loss exposure' }),
    );
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'exposure', descending: true }),
      ),
    );
  });

  it('pages on the server', async () => {
    const api = mockCnpgApi();
    api.getFleet.mockResolvedValue(page([obot, unowned], 45));
    await renderOnEntityPage(<FleetPage />, { api });
    await screen.findByText('ai-system/obot-postgresql');
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(api.getFleet).toHaveBeenLastCalledWith(
        expect.objectContaining({ offset: 20, limit: 20 }),
      ),
    );
  });

  it('shows the API error', async () => {
    const api = mockCnpgApi();
    api.getFleet.mockRejectedValue(new Error('fleet read denied'));
    await renderOnEntityPage(<FleetPage />, { api });
    expect(
      await screen.findByRole('heading', { name: 'Error: fleet read denied' }),
    ).toBeVisible();
  });
});
