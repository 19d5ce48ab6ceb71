/*
 * DEMO / TEST ONLY: every demo database's status as the backend computes it at a given instant, without
 * s3rver: the demo data (scenarios.ts) is built into memory (MemoryObjectStore), its Kubernetes objects are
 * seeded into the real Kubernetes stand-in (pruning + CRD validation, read over HTTP by the real client), and
 * the real scanner + DefaultCnpgBackupsService compute the status with `now` pinned. Used by the clock sweep
 * test (demoClockSweep.test.ts) to check the demo at many instants quickly.
 */
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import { BarmanArchiveScanner } from '@cnpg-backups/plugin-cnpg-backups-node';
import { S3EndpointPolicy } from '../archive';
import type { ArchiveReaderFactory } from '../archive';
import { HttpCnpgKubernetesClient } from '../kubernetes';
import { DefaultCnpgBackupsService } from '../service/DefaultCnpgBackupsService';
import { KubernetesClientRegistry } from '../service/KubernetesClientRegistry';
import { ScanCache } from '../service/ScanCache';
import { MemoryObjectStore } from './s3/MemoryObjectStore';
import { buildDemoDatabases } from './scenarios';
import { KubernetesStandin } from './standin';

const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silent;
  },
} as any;

/** A demo database's status at one instant. */
export type DemoStatusAt = { entity: string; status: DatabaseStatus };

/** Builds the demo as of `now` and returns each database's status computed at `now` (in scenario order). */
export async function demoStatusesAt(now: Date): Promise<DemoStatusAt[]> {
  const objects = new MemoryObjectStore();
  const databases = buildDemoDatabases({ now, writer: objects });
  const standin = await KubernetesStandin.start({ now: () => now });
  try {
    for (const db of databases)
      for (const obj of db.objects) standin.store.seed(obj);
    const client = HttpCnpgKubernetesClient.create({
      connection: {
        name: 'demo',
        url: standin.url,
        token: standin.token,
        authProvider: 'serviceAccount',
      },
    });
    const endpointPolicy = new S3EndpointPolicy({ allowedEndpoints: [] });
    for (const db of databases) {
      endpointPolicy.register({
        url: db.declaredEndpoint,
        connectUrl: 'http://127.0.0.1:1',
        provider: 'generic',
        region: 'us-east-1',
      });
    }
    const archiveReaders: ArchiveReaderFactory = {
      create() {
        const scanner = BarmanArchiveScanner.create({
          client: objects.client(),
          concurrency: 8,
        });
        return {
          scan: o =>
            scanner.scan({
              destination: o.destination,
              serverName: o.serverName,
            }),
          listServerNames: o => scanner.listServerNames(o),
          isServerNameEmpty: o => scanner.isServerNameEmpty(o),
        };
      },
    };
    const service = DefaultCnpgBackupsService.create({
      logger: silent,
      kubernetes: KubernetesClientRegistry.create([client]),
      endpointPolicy,
      archiveReaders,
      scanCache: ScanCache.create({ ttlSeconds: 0 }),
      now: () => now,
    });
    const out: DemoStatusAt[] = [];
    for (const db of databases) {
      const status = await service.getDatabaseStatus({
        kubernetesCluster: 'demo',
        namespace: db.namespace,
        name: db.clusterName,
      });
      out.push({ entity: db.entity, status });
    }
    await (client as { close?: () => Promise<void> }).close?.();
    return out;
  } finally {
    await standin.stop();
  }
}
