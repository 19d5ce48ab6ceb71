/* In-memory fakes of the Kubernetes client and the archive reader, for service tests. */
import type {
  BarmanCatalog,
  ServerNameSummary,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type {
  ArchiveConnection,
  ArchiveReader,
  ArchiveReaderFactory,
} from '../../archive';
import {
  type CnpgBackup,
  type CnpgCluster,
  type CnpgKubernetesClient,
  type CnpgObjectStore,
  type CnpgScheduledBackup,
  type KubeCustomResourceDefinition,
  KubernetesAlreadyExistsError,
  KubernetesObjectNotFoundError,
} from '../../kubernetes';

type Method = keyof Omit<CnpgKubernetesClient, 'clusterName'>;

export class FakeKubernetesClient implements CnpgKubernetesClient {
  clusters: CnpgCluster[] = [];
  backups: CnpgBackup[] = [];
  scheduledBackups: CnpgScheduledBackup[] = [];
  objectStores: CnpgObjectStore[] = [];
  secrets: Record<string, Record<string, string>> = {};
  crd?: KubeCustomResourceDefinition;
  /** Make a method fail. */
  faults: Partial<Record<Method, Error>> = {};
  calls: Array<{ method: Method; options: unknown }> = [];

  constructor(readonly clusterName: string) {}

  #call(method: Method, options: unknown) {
    this.calls.push({ method, options });
    const fault = this.faults[method];
    if (fault) throw fault;
  }

  async listClusters(options: { namespace?: string; labelSelector?: string }) {
    this.#call('listClusters', options);
    return this.clusters.filter(c => {
      if (options.namespace && c.metadata.namespace !== options.namespace)
        return false;
      if (options.labelSelector) {
        const [k, v] = options.labelSelector.split('=');
        return c.metadata.labels?.[k] === v;
      }
      return true;
    });
  }
  async getCluster(options: { namespace: string; name: string }) {
    this.#call('getCluster', options);
    const c = this.clusters.find(
      x =>
        x.metadata.namespace === options.namespace &&
        x.metadata.name === options.name,
    );
    if (!c)
      throw new KubernetesObjectNotFoundError({
        kind: 'Cluster',
        namespace: options.namespace,
        objectName: options.name,
        kubernetesCluster: this.clusterName,
      });
    return c;
  }
  async listBackups(options: { namespace: string }) {
    this.#call('listBackups', options);
    return this.backups.filter(b => b.metadata.namespace === options.namespace);
  }
  async listScheduledBackups(options: { namespace: string }) {
    this.#call('listScheduledBackups', options);
    return this.scheduledBackups.filter(
      b => b.metadata.namespace === options.namespace,
    );
  }
  async listObjectStores(options: { namespace: string }) {
    this.#call('listObjectStores', options);
    return this.objectStores.filter(
      b => b.metadata.namespace === options.namespace,
    );
  }
  async getObjectStore(options: { namespace: string; name: string }) {
    this.#call('getObjectStore', options);
    const s = this.objectStores.find(
      x =>
        x.metadata.namespace === options.namespace &&
        x.metadata.name === options.name,
    );
    if (!s)
      throw new KubernetesObjectNotFoundError({
        kind: 'ObjectStore',
        namespace: options.namespace,
        objectName: options.name,
        kubernetesCluster: this.clusterName,
      });
    return s;
  }
  async getSecret(options: { namespace: string; name: string }) {
    this.#call('getSecret', options);
    const s = this.secrets[`${options.namespace}/${options.name}`];
    if (!s)
      throw new KubernetesObjectNotFoundError({
        kind: 'Secret',
        namespace: options.namespace,
        objectName: options.name,
        kubernetesCluster: this.clusterName,
      });
    return s;
  }
  async getCustomResourceDefinition(options: { name: string }) {
    this.#call('getCustomResourceDefinition', options);
    if (!this.crd)
      throw new KubernetesObjectNotFoundError({
        kind: 'CustomResourceDefinition',
        objectName: options.name,
        kubernetesCluster: this.clusterName,
      });
    return this.crd;
  }
  async createBackup(options: { namespace: string; backup: CnpgBackup }) {
    this.#call('createBackup', options);
    if (
      this.backups.some(b => b.metadata.name === options.backup.metadata.name)
    ) {
      throw new KubernetesAlreadyExistsError('exists', this.clusterName);
    }
    const created = {
      ...options.backup,
      metadata: {
        ...options.backup.metadata,
        namespace: options.namespace,
        uid: 'uid-1',
      },
    };
    this.backups.push(created);
    return created;
  }
  async createCluster(options: { namespace: string; cluster: CnpgCluster }) {
    this.#call('createCluster', options);
    if (
      this.clusters.some(
        c =>
          c.metadata.namespace === options.namespace &&
          c.metadata.name === options.cluster.metadata.name,
      )
    ) {
      throw new KubernetesAlreadyExistsError(
        `Cluster ${options.cluster.metadata.name} already exists: use a new name; recovery must create a new cluster`,
        this.clusterName,
      );
    }
    const created = {
      ...options.cluster,
      metadata: {
        ...options.cluster.metadata,
        namespace: options.namespace,
        uid: 'uid-c',
      },
    };
    this.clusters.push(created);
    return created;
  }
}

export interface FakeArchiveBehaviour {
  catalogs: Record<string, BarmanCatalog>; // key: destination|serverName
  serverNames?: Record<string, ServerNameSummary[]>; // key: destination
  scanError?: Error;
  listError?: Error;
  delayMs?: number;
}

export class FakeArchiveReaderFactory implements ArchiveReaderFactory {
  connections: ArchiveConnection[] = [];
  scans: Array<{
    destination: string;
    serverName: string;
    previous?: unknown;
  }> = [];
  /** Per endpoint behaviour; `*` = default. */
  constructor(readonly behaviours: Record<string, FakeArchiveBehaviour>) {}

  create(connection: ArchiveConnection): ArchiveReader {
    this.connections.push(connection);
    const b =
      this.behaviours[connection.endpoint ?? 'aws'] ?? this.behaviours['*'];
    const sleep = () => new Promise(r => setTimeout(r, b?.delayMs ?? 0));
    return {
      scan: async options => {
        this.scans.push(options);
        await sleep();
        if (b?.scanError) throw b.scanError;
        const catalog =
          b?.catalogs[`${options.destination}|${options.serverName}`];
        if (!catalog)
          throw Object.assign(new Error('NoSuchBucket: bucket missing'), {
            name: 'NoSuchBucket',
          });
        return { catalog, state: { scanned: this.scans.length } };
      },
      listServerNames: async options => {
        await sleep();
        if (b?.listError) throw b.listError;
        return b?.serverNames?.[options.destination] ?? [];
      },
      isServerNameEmpty: async options => {
        const catalog =
          b?.catalogs[`${options.destination}|${options.serverName}`];
        const walObjects = catalog?.scan.walObjects ?? 0;
        return { empty: walObjects === 0, walObjects };
      },
    };
  }
}
