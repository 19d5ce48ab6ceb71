/*
 * DEMO / TEST ONLY: every demo database's status as the backend computes it at a given instant, without
 * s3rver: the demo data (scenarios.ts) is built into memory (MemoryObjectStore), its Kubernetes objects are
 * seeded into the real Kubernetes stand-in (pruning + CRD validation, read over HTTP by the real client), and
 * the real backend plugin (started with startTestBackend) computes each status with the real scanner, through
 * its extension points: the stand-in as Kubernetes cluster `demo`, the in-memory archive as the archive
 * reader factory and `now` as the clock. Used by the clock sweep test (demoClockSweep.test.ts) to check the
 * demo at many instants quickly.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import cnpgBackupsPlugin from '@cnpg-backups/plugin-cnpg-backups-backend';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  BarmanArchiveScanner,
  cnpgBackupsArchiveExtensionPoint,
  cnpgBackupsClockExtensionPoint,
  cnpgBackupsKubernetesExtensionPoint,
  type ArchiveReaderFactory,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import request from 'supertest';
import { MemoryObjectStore } from '../s3/MemoryObjectStore';
import { buildDemoDatabases } from '../scenarios';
import { KubernetesStandin } from '../standin';

/** A demo database's status at one instant. */
export type DemoStatusAt = { entity: string; status: DatabaseStatus };

/** Builds the demo as of `now` and returns each database's status computed at `now` (in scenario order). */
export async function demoStatusesAt(now: Date): Promise<DemoStatusAt[]> {
  const objects = new MemoryObjectStore();
  const databases = buildDemoDatabases({ now, writer: objects });
  const standin = await KubernetesStandin.start({ now: () => now });
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  try {
    for (const db of databases)
      for (const obj of db.objects) standin.store.seed(obj);
    const archiveReaders: ArchiveReaderFactory = {
      create() {
        const scanner = BarmanArchiveScanner.create({
          client: objects.client(),
          concurrency: 8,
          now: () => now,
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
    const inMemoryDemo = createBackendModule({
      pluginId: 'cnpg-backups',
      moduleId: 'demo-in-memory',
      register(env) {
        env.registerInit({
          deps: {
            kubernetes: cnpgBackupsKubernetesExtensionPoint,
            archive: cnpgBackupsArchiveExtensionPoint,
            clock: cnpgBackupsClockExtensionPoint,
          },
          async init({ kubernetes, archive, clock }) {
            kubernetes.addCluster({
              name: 'demo',
              url: standin.url,
              token: standin.token,
              authProvider: 'serviceAccount',
            });
            for (const db of databases) {
              archive.addEndpoint({
                url: db.declaredEndpoint,
                connectUrl: 'http://127.0.0.1:1',
                provider: 'generic',
                region: 'us-east-1',
              });
            }
            archive.setArchiveReaderFactory(archiveReaders);
            clock.setClock(() => now);
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        cnpgBackupsPlugin,
        inMemoryDemo,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            cnpgBackups: {
              refresh: { enabled: false },
              cache: { ttlSeconds: 0, statusTtlSeconds: 0 },
            },
          },
        }),
      ],
    });
    const out: DemoStatusAt[] = [];
    for (const db of databases) {
      const res = await request(backend.server).get(
        `/api/cnpg-backups/databases/demo/${db.namespace}/${db.clusterName}/status`,
      );
      if (res.status !== 200) {
        throw new Error(
          `status of demo/${db.namespace}/${db.clusterName}: HTTP ${
            res.status
          } ${JSON.stringify(res.body)}`,
        );
      }
      out.push({ entity: db.entity, status: res.body as DatabaseStatus });
    }
    return out;
  } finally {
    await backend?.stop();
    await standin.stop();
  }
}
