import { cnpgMainStatus, immichStatus } from '../__fixtures__/statuses';
import { buildRestoreFormData, buildRestoreUrl } from './restoreLink';

describe('restore link', () => {
  it('pre-fills a backup target with the archive serverName', () => {
    const formData = buildRestoreFormData({
      entityRef: 'component:default/immich',
      database: immichStatus,
      target: { kind: 'backup', backupId: '20260110T020000' },
    });
    expect(formData).toEqual({
      entityRef: 'component:default/immich',
      kubernetesCluster: 'demo',
      namespace: 'immich',
      cluster: 'immich-database',
      serverName: 'immich-database-v2',
      targetKind: 'backup',
      backupId: '20260110T020000',
    });
  });

  it('normalises a point in time to ISO-8601 UTC', () => {
    const formData = buildRestoreFormData({
      entityRef: 'component:default/cnpg-main',
      database: cnpgMainStatus,
      target: { kind: 'time', targetTime: '2026-01-10T13:30:00+01:00' },
    });
    expect(formData.targetKind).toBe('time');
    expect(formData.targetTime).toBe('2026-01-10T12:30:00.000Z');
    expect(formData.backupId).toBeUndefined();
  });

  it('url-encodes the JSON form data on the template path', () => {
    const formData = buildRestoreFormData({
      entityRef: 'component:default/cnpg-main',
      database: cnpgMainStatus,
      target: { kind: 'latest' },
    });
    const url = buildRestoreUrl(formData);
    expect(
      url.startsWith(
        '/create/templates/default/restore-cnpg-database?formData=',
      ),
    ).toBe(true);
    const parsed = JSON.parse(decodeURIComponent(url.split('formData=')[1]));
    expect(parsed).toEqual({
      entityRef: 'component:default/cnpg-main',
      kubernetesCluster: 'demo',
      namespace: 'apps',
      cluster: 'cnpg-main',
      serverName: 'cnpg-main',
      targetKind: 'latest',
    });
  });
});
