import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  BackupHealthNotifier,
  readNotificationsEnabled,
} from './BackupHealthNotifier';
import { ConfigReader } from '@backstage/config';

// Pinned clock: every instant below is fixed; nothing reads the system clock.
const T0 = '2026-12-04T23:55:00.000Z';
const T1 = '2026-12-05T00:00:00.000Z';

const base: DatabaseSnapshot = {
  databaseId: 'demo/db/orders',
  kubernetesCluster: 'demo',
  namespace: 'db',
  cluster: 'orders',
  serverName: 'orders',
  entityRef: 'component:default/orders',
  owner: 'group:default/team-a',
  provider: 'hetzner',
  health: 'ok',
  takenAt: T0,
  lastRecoverableAt: '2026-12-04T23:50:00.000Z',
  exposureSeconds: 300,
  walGapCount: 0,
  diagnoses: [],
};
const failing: DatabaseSnapshot = {
  ...base,
  takenAt: T1,
  health: 'error',
  healthSummary: 'Archiving failing for 3 days',
  exposureSeconds: 3 * 86400 + 4 * 3600,
  diagnoses: [
    {
      id: 'boto3-checksum',
      severity: 'error',
      title: 'WAL archiving fails: boto3 ≥ 1.36 checksum error',
      fix: 'Set AWS_REQUEST_CHECKSUM_CALCULATION=when_required on the plugin sidecar',
    },
  ],
};
const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders', namespace: 'default', annotations },
  spec: { owner: 'group:default/team-a' },
});

function setup(send?: jest.Mock) {
  const sent: NotificationSendOptions[] = [];
  const notifications = {
    send:
      send ??
      jest.fn(async (o: NotificationSendOptions) => {
        sent.push(o);
      }),
  };
  const logger = mockServices.logger.mock();
  const notifier = new BackupHealthNotifier({ notifications, logger });
  return { notifier, sent, logger, notifications };
}

describe('BackupHealthNotifier', () => {
  it('notifies the owning entity once when health worsens, with severity, tab link and fix', async () => {
    const { notifier, sent } = setup();
    await notifier.onSnapshots([
      { previous: base, current: failing, entity: entity() },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: 'component:default/orders',
    });
    expect(sent[0].payload).toEqual({
      title: 'Backups of db/orders (demo) are failing',
      description: [
        'Archiving failing for 3 days',
        'Recoverable up to 2026-12-04T23:50:00.000Z (exposure 3d 4h).',
        'WAL archiving fails: boto3 ≥ 1.36 checksum error. Fix: Set AWS_REQUEST_CHECKSUM_CALCULATION=when_required on the plugin sidecar',
      ].join('\n'),
      link: '/catalog/default/component/orders/cnpg-backups',
      severity: 'critical',
      topic: 'cnpg-backups',
      scope: 'cnpg-backups:demo/db/orders',
    });
  });

  it('maps severities: warning → high, recovered → low', async () => {
    const { notifier, sent } = setup();
    await notifier.onSnapshots([
      { previous: base, current: { ...base, health: 'warning', takenAt: T1 } },
      {
        previous: failing,
        current: { ...base, databaseId: 'demo/db/b', takenAt: T1 },
      },
    ]);
    expect(sent.map(s => [s.payload.severity, s.payload.title])).toEqual([
      ['high', 'Backups of db/orders (demo) need attention'],
      ['low', 'Backups of db/orders (demo) recovered'],
    ]);
    expect(sent[1].payload.description).toContain(
      'Health is ok again (was error).',
    );
  });

  it('sends nothing across refreshes that change nothing (one notification per change)', async () => {
    const { notifier, sent } = setup();
    // refresh 1: ok → error; refreshes 2-4: error → error (the stored previous is the error snapshot)
    await notifier.onSnapshots([{ previous: base, current: failing }]);
    for (let i = 0; i < 3; i++) {
      await notifier.onSnapshots([
        { previous: failing, current: { ...failing } },
      ]);
    }
    expect(sent).toHaveLength(1);
  });

  it('tells a new error diagnosis at an unchanged error level, naming it and its fix', async () => {
    const { notifier, sent } = setup();
    await notifier.onSnapshots([
      {
        previous: failing,
        current: {
          ...failing,
          diagnoses: [
            ...failing.diagnoses,
            {
              id: 'wal-gap',
              severity: 'error',
              title: 'WAL gap',
              fix: 'Take a new base backup',
            },
          ],
        },
      },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].payload.title).toBe(
      'New backup problem on db/orders (demo): WAL gap',
    );
    expect(sent[0].payload.description).toContain(
      'WAL gap. Fix: Take a new base backup',
    );
    expect(sent[0].payload.description).not.toContain('boto3');
  });

  it('honours the opt-out annotation, and notifies anyway (with a warning) on a malformed one', async () => {
    const { notifier, sent, logger } = setup();
    await notifier.onSnapshots([
      {
        previous: base,
        current: failing,
        entity: entity({ 'cnpg.io/backup-notifications': 'false' }),
      },
    ]);
    expect(sent).toHaveLength(0);
    await notifier.onSnapshots([
      {
        previous: base,
        current: failing,
        entity: entity({ 'cnpg.io/backup-notifications': 'nope' }),
      },
    ]);
    expect(sent).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Invalid cnpg.io/backup-notifications annotation',
      ),
    );
  });

  it('does not notify unowned databases', async () => {
    const { notifier, sent } = setup();
    await notifier.onSnapshots([
      { previous: base, current: { ...failing, entityRef: undefined } },
    ]);
    expect(sent).toHaveLength(0);
  });

  it('keeps going when one send fails, and logs no credential from the error', async () => {
    let calls = 0;
    const send = jest.fn(async () => {
      calls += 1;
      if (calls === 1) {
        throw new Error(
          'POST https://user:s3cr3t@notif.example/api failed token=abc123',
        );
      }
    });
    const { notifier, logger } = setup(send);
    const count = await notifier.notify([
      { previous: base, current: failing },
      { previous: base, current: { ...failing, databaseId: 'demo/db/other' } },
    ]);
    expect(count).toBe(1);
    const logged = JSON.stringify((logger.warn as jest.Mock).mock.calls);
    expect(logged).not.toContain('s3cr3t');
    expect(logged).not.toContain('abc123');
  });

  it('redacts credentials quoted in diagnosis texts (point 4)', async () => {
    const { notifier, sent } = setup();
    await notifier.onSnapshots([
      {
        previous: base,
        current: {
          ...failing,
          healthSummary:
            'endpoint https://AKIAIOSFODNN7EXAMPLE:wJalr@s3.example refused',
          diagnoses: [
            {
              id: 'x',
              severity: 'error',
              title: 'Bad',
              fix: 'export AWS_SECRET_ACCESS_KEY=wJalr then retry',
            },
          ],
        },
      },
    ]);
    const text = JSON.stringify(sent[0].payload);
    expect(text).not.toMatch(/wJalr|AKIAIOSFODNN7EXAMPLE/);
    expect(text).toContain('https://***@s3.example');
  });

  it('reads the config switch (default on)', () => {
    expect(readNotificationsEnabled(new ConfigReader({}))).toBe(true);
    expect(
      readNotificationsEnabled(
        new ConfigReader({
          cnpgBackups: { notifications: { enabled: false } },
        }),
      ),
    ).toBe(false);
  });
});
