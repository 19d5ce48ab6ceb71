import {
  cnpgBackupsPlugin,
  EntityCnpgBackupsCard,
  EntityCnpgBackupsContent,
  isCnpgBackupsAvailable,
} from './index';

describe('cnpg-backups (legacy frontend system)', () => {
  it('exports the plugin with its API factory and extensions', () => {
    expect(cnpgBackupsPlugin.getId()).toBe('cnpg-backups');
    expect(
      [...cnpgBackupsPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual(['plugin.cnpg-backups.service']);
    expect(EntityCnpgBackupsCard).toBeDefined();
    expect(EntityCnpgBackupsContent).toBeDefined();
  });

  it('re-exports the shared availability check', () => {
    expect(
      isCnpgBackupsAvailable({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x', annotations: { 'cnpg.io/cluster': 'a/b' } },
      }),
    ).toBe(true);
  });
});
