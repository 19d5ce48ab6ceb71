/*
 * "Back up now": a Backup CR for a Cluster the entity declares, in the form its archive is
 * declared in (barman-cloud plugin or legacy barmanObjectStore), one at a time per Cluster.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  BARMAN_CLOUD_PLUGIN_NAME,
  IN_PROGRESS_BACKUP_PHASES,
  declaredArchive,
  summarizeBackup,
  type CreateBackupResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  CnpgBackup,
  CnpgCluster,
  KubernetesClientRegistry,
} from '../kubernetes';
import { assertEntityOwns } from '../locator';
import { toHttpError } from './errors';
import type { CnpgBackupsService } from './types';

/** Forgets what is cached about a namespace (or one Cluster of it) after a write. */
export type ForgetAfterWrite = (ref: {
  kubernetesCluster: string;
  namespace: string;
  name?: string;
}) => Promise<void>;

/** An action's Kubernetes call: its failure as the matching HTTP error. */
async function asHttpError<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw toHttpError(error);
  }
}

function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export class BackupCreator {
  readonly #kubernetes: KubernetesClientRegistry;
  readonly #logger: LoggerService;
  readonly #now: () => Date;
  readonly #forget: ForgetAfterWrite;

  constructor(options: {
    kubernetes: KubernetesClientRegistry;
    logger: LoggerService;
    now: () => Date;
    forget: ForgetAfterWrite;
  }) {
    this.#kubernetes = options.kubernetes;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#forget = options.forget;
  }

  async create(
    options: Parameters<CnpgBackupsService['createBackup']>[0],
  ): Promise<CreateBackupResponse> {
    const client = this.#kubernetes.require(options.kubernetesCluster);
    const ref = { namespace: options.namespace, name: options.cluster };
    await assertEntityOwns(options.entity, client, ref);
    const cluster = await asHttpError(client.getCluster(ref));
    if (!declaredArchive(cluster)) {
      throw new InputError(
        `Cluster ${ref.namespace}/${ref.name} has no backup configuration (no enabled barman-cloud plugin entry, no spec.backup.barmanObjectStore)`,
      );
    }
    const existing = await asHttpError(
      client.listBackups({ namespace: ref.namespace, clusterName: ref.name }),
    );
    // One full backup at a time: a second "Back up now" while the first is still pending would
    // queue another full base backup behind it.
    const inFlight = existing.find(
      b =>
        (b.spec?.cluster?.name === ref.name ||
          b.metadata.labels?.['cnpg.io/cluster'] === ref.name) &&
        IN_PROGRESS_BACKUP_PHASES.has(b.status?.phase ?? ''),
    );
    if (inFlight) {
      throw new ConflictError(
        `Backup ${inFlight.metadata.name} of ${ref.namespace}/${
          ref.name
        } is still ${
          inFlight.status?.phase || 'pending'
        }: wait for it to complete (or fail) before starting another`,
      );
    }
    const created = await asHttpError(
      client.createBackup({
        namespace: ref.namespace,
        backup: this.#backupFor(cluster, options.requestedBy),
      }),
    );
    // "Back up now" must show the new Backup on the next read, not after the status TTL.
    await this.#forget({ kubernetesCluster: client.clusterName, ...ref });
    this.#logger.info('Created CNPG Backup', {
      kubernetesCluster: client.clusterName,
      namespace: ref.namespace,
      cluster: ref.name,
      backup: created.metadata.name,
      requestedBy: options.requestedBy,
    });
    return {
      backup: summarizeBackup(created),
      namespace: ref.namespace,
      kubernetesCluster: client.clusterName,
    };
  }

  #backupFor(cluster: CnpgCluster, requestedBy: string | undefined) {
    const name = cluster.metadata.name;
    const backup: CnpgBackup = {
      metadata: {
        name: `${name}-manual-${utcStamp(this.#now())}`.slice(0, 253),
        labels: { 'cnpg.io/cluster': name },
        annotations: requestedBy
          ? { 'cnpg-backups.backstage.io/requested-by': requestedBy }
          : undefined,
      },
      spec:
        declaredArchive(cluster)?.form === 'plugin'
          ? {
              cluster: { name },
              method: 'plugin',
              pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN_NAME },
            }
          : { cluster: { name }, method: 'barmanObjectStore' },
    };
    return backup;
  }
}
