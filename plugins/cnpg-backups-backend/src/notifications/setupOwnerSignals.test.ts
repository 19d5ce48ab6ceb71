import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { setupOwnerSignals } from './setupOwnerSignals';

const row: DatabaseSnapshot = {
  databaseId: 'demo/db/orders',
  kubernetesCluster: 'demo',
  namespace: 'db',
  cluster: 'orders',
  entityRef: 'component:default/orders',
  health: 'error',
  takenAt: '2026-12-04T23:55:00.000Z',
  walGapCount: 1,
  diagnoses: [],
};

function setup(config: object) {
  const listeners: unknown[] = [];
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const send = jest.fn(async () => {});
  return {
    listeners,
    provider,
    exporter,
    send,
    run: () =>
      setupOwnerSignals({
        config: new ConfigReader(config),
        logger: mockServices.logger.mock(),
        notifications: { send },
        refresher: { addSnapshotListener: l => listeners.push(l) },
        store: { latestRows: async () => ({ rows: [row] }) },
        meter: provider.getMeter('cnpg-backups'),
      }),
  };
}

const scrape = (exporter: PrometheusExporter) =>
  new Promise<string>(resolve =>
    exporter.getMetricsRequestHandler(
      {} as any,
      {
        statusCode: 0,
        setHeader() {},
        end: resolve,
      } as any,
    ),
  );

describe('setupOwnerSignals', () => {
  it('registers the notifier on the refresher and exports the store rows by default', async () => {
    const s = setup({});
    const { notifier } = await s.run();
    expect(s.listeners).toEqual([notifier]);
    await notifier!.onSnapshots([{ current: row }]);
    expect(s.send).toHaveBeenCalledTimes(1);
    expect(await scrape(s.exporter)).toMatch(
      /cnpg_backups_wal_gaps\{[^}]*cluster="orders"[^}]*\} 1/,
    );
    await s.provider.shutdown();
  });

  it('cnpgBackups.notifications.enabled: false registers no listener; metrics.enabled: false no gauges', async () => {
    const s = setup({
      cnpgBackups: {
        notifications: { enabled: false },
        metrics: { enabled: false },
      },
    });
    const { notifier, unregisterMetrics } = await s.run();
    expect(notifier).toBeUndefined();
    expect(unregisterMetrics).toBeUndefined();
    expect(s.listeners).toEqual([]);
    expect(await scrape(s.exporter)).not.toContain('cnpg_backups_');
    await s.provider.shutdown();
  });

  it.each([0, -3, 1.5])(
    'rejects metrics.maxDatabases %s by name',
    async value => {
      const s = setup({ cnpgBackups: { metrics: { maxDatabases: value } } });
      await expect(s.run()).rejects.toThrow(
        `cnpgBackups.metrics.maxDatabases must be a positive integer, got ${value}`,
      );
    },
  );
});
