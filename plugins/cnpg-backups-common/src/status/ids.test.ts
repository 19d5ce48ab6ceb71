import { CNPG_BACKUPS_PLUGIN_ID, databaseId } from './ids';

describe('ids', () => {
  it('builds the DatabaseStatus id as <kubernetesCluster>/<namespace>/<name>', () => {
    expect(
      databaseId({
        kubernetesCluster: 'prod-eu',
        namespace: 'db',
        name: 'orders',
      }),
    ).toBe('prod-eu/db/orders');
    expect(CNPG_BACKUPS_PLUGIN_ID).toBe('cnpg-backups');
  });
});
