import { mockServices } from '@backstage/backend-test-utils';
import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { IncomingMessage, ServerResponse } from 'http';
import {
  FLEET_METRIC_NAMES,
  LatestSnapshots,
  registerFleetMetrics,
} from './FleetMetrics';

// Pinned clock: the snapshots' instants are fixed; LatestSnapshots gets an injected now.
const NOW = new Date('2026-12-05T00:00:00.000Z');

const snapshot: DatabaseSnapshot = {
  databaseId: 'prod-eu/db/orders',
  kubernetesCluster: 'prod-eu',
  namespace: 'db',
  cluster: 'orders',
  serverName: 'orders-v2',
  entityRef: 'component:default/orders',
  owner: 'group:default/team-a',
  system: 'system:default/shop',
  provider: 'hetzner',
  health: 'error',
  healthSummary:
    'Archiving fails at https://AKIAIOSFODNN7EXAMPLE:secret@fsn1.example',
  takenAt: '2026-12-04T23:55:00.000Z',
  lastRecoverableAt: '2026-12-04T20:55:00.000Z',
  firstRecoverableAt: '2026-11-04T00:00:00.000Z',
  exposureSeconds: 10800,
  expectedMaxExposureSeconds: 172800,
  lastBackupAt: '2026-12-04T02:00:00.000Z',
  walGapCount: 2,
  diagnoses: [
    {
      id: 'checksum-incompatibility',
      severity: 'error',
      title: 'boto3 checksum',
    },
    { id: 'schedule-overdue', severity: 'warning', title: 'overdue' },
  ],
  scanDurationMs: 1250,
  s3Requests: 17,
};

async function scrape(exporter: PrometheusExporter): Promise<string> {
  return new Promise(resolve => {
    const response = {
      statusCode: 0,
      setHeader: () => response,
      end: (body: string) => resolve(body),
    };
    exporter.getMetricsRequestHandler(
      {} as IncomingMessage,
      response as unknown as ServerResponse,
    );
  });
}

function setup(snapshots: DatabaseSnapshot[], maxDatabases?: number) {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const logger = mockServices.logger.mock();
  const latest = new LatestSnapshots({ now: () => NOW });
  latest.onSnapshots(snapshots.map(current => ({ current })));
  const unregister = registerFleetMetrics({
    source: latest,
    logger,
    meter: provider.getMeter('cnpg-backups'),
    maxDatabases,
  });
  return { exporter, provider, logger, unregister, latest };
}

const LABELS =
  'kubernetes_cluster="prod-eu",namespace="db",cluster="orders",server_name="orders-v2",owner="group:default/team-a"';

describe('registerFleetMetrics (through the real Prometheus exporter)', () => {
  it('exports every per-database gauge with exactly the bounded labels', async () => {
    const { exporter, provider } = setup([snapshot]);
    const text = await scrape(exporter);
    const expected: Record<string, number> = {
      cnpg_backups_last_recoverable_timestamp_seconds:
        Date.parse(snapshot.lastRecoverableAt!) / 1000,
      cnpg_backups_first_recoverable_timestamp_seconds:
        Date.parse(snapshot.firstRecoverableAt!) / 1000,
      cnpg_backups_exposure_seconds: 10800,
      cnpg_backups_exposure_bound_seconds: 172800,
      cnpg_backups_wal_gaps: 2,
      cnpg_backups_health_level: 2,
      cnpg_backups_last_backup_timestamp_seconds:
        Date.parse(snapshot.lastBackupAt!) / 1000,
      cnpg_backups_scan_duration_seconds: 1.25,
      cnpg_backups_s3_requests: 17,
      cnpg_backups_archiving_failing: 1,
      cnpg_backups_backup_overdue: 1,
      cnpg_backups_snapshot_timestamp_seconds:
        Date.parse(snapshot.takenAt) / 1000,
    };
    expect(Object.keys(expected).sort()).toEqual(
      [...FLEET_METRIC_NAMES].sort(),
    );
    for (const [name, value] of Object.entries(expected)) {
      const line = text.split('\n').find(l => l.startsWith(`${name}{`));
      expect(line).toBeDefined();
      const [, labels, v] = /^[a-z0-9_]+\{(.*)\} (\S+)/.exec(line!)!;
      // otel_scope_* labels are the exporter's; ours are the five bounded ones
      const own = labels
        .split(/,(?=[a-z_]+=")/)
        .filter(l => !l.startsWith('otel_scope_'))
        .join(',');
      expect({ name, own }).toEqual({ name, own: LABELS });
      expect(Number(v)).toBe(value);
    }
    // point 4: nothing from the summary, entity, system, provider or endpoint leaks into labels
    expect(text).not.toMatch(/AKIA|secret|fsn1|hetzner|shop|component:default/);
    await provider.shutdown();
  });

  it('omits a gauge the snapshot has no value for, and forgets databases not seen for an hour', async () => {
    const bare: DatabaseSnapshot = {
      ...snapshot,
      databaseId: 'prod-eu/db/new',
      cluster: 'new',
      health: 'unknown',
      lastRecoverableAt: undefined,
      firstRecoverableAt: undefined,
      exposureSeconds: undefined,
      expectedMaxExposureSeconds: undefined,
      lastBackupAt: undefined,
      scanDurationMs: undefined,
      s3Requests: undefined,
      diagnoses: [],
    };
    const old = {
      ...snapshot,
      databaseId: 'x/y/z',
      cluster: 'gone',
      takenAt: '2026-12-04T22:59:59.000Z',
    };
    const { exporter, provider } = setup([bare, old]);
    const text = await scrape(exporter);
    expect(text).toMatch(
      /cnpg_backups_health_level\{[^}]*cluster="new"[^}]*\} -1/,
    );
    expect(text).toMatch(
      /cnpg_backups_archiving_failing\{[^}]*cluster="new"[^}]*\} 0/,
    );
    expect(text).not.toMatch(
      /cnpg_backups_exposure_seconds\{[^}]*cluster="new"/,
    );
    // No schedule and no retention policy: no bound is exported (the rule's 1 d fallback applies).
    expect(text).not.toMatch(
      /cnpg_backups_exposure_bound_seconds\{[^}]*cluster="new"/,
    );
    expect(text).not.toContain('cluster="gone"');
    await provider.shutdown();
  });

  it('caps the number of databases exported (cardinality bound) and says so once', async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({
      ...snapshot,
      databaseId: `prod-eu/db/c${i}`,
      cluster: `c${i}`,
    }));
    const { exporter, provider, logger } = setup(many, 3);
    const text = await scrape(exporter);
    await scrape(exporter);
    const series = text
      .split('\n')
      .filter(l => l.startsWith('cnpg_backups_wal_gaps{'));
    expect(series).toHaveLength(3);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    await provider.shutdown();
  });

  it('stops exporting after unregister', async () => {
    const { exporter, provider, unregister } = setup([snapshot]);
    unregister();
    expect(await scrape(exporter)).not.toContain('cnpg_backups_wal_gaps{');
    await provider.shutdown();
  });
});
