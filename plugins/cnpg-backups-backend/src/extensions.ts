/*
 * What backend modules registered through the plugin's extension points (defined in the node package).
 * The plugin reads it once in init, after every module's init has run; later calls are refused.
 */
import type {
  ArchiveReaderFactory,
  CnpgBackupsArchiveExtensionPoint,
  CnpgBackupsClockExtensionPoint,
  CnpgBackupsKubernetesExtensionPoint,
  CnpgKubernetesClient,
  CnpgKubernetesClientFactory,
  KubernetesClusterConnection,
  S3EndpointSettings,
} from '@cnpg-backups/plugin-cnpg-backups-node';

/** A module misused an extension point (set twice, a bad value, too late). */
export class ExtensionPointError extends Error {
  readonly name = 'ExtensionPointError';
}

function requireMethod(value: unknown, method: string, what: string): void {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Record<string, unknown>)[method] !== 'function'
  ) {
    throw new ExtensionPointError(
      `cnpg-backups: ${what} must be an object with a ${method}() method`,
    );
  }
}

function requireName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExtensionPointError(
      `cnpg-backups: ${what} must be a non-empty string, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

/** The registrations of every module, and the three extension point implementations. */
export class CnpgBackupsExtensions {
  readonly clusters: KubernetesClusterConnection[] = [];
  readonly clients: CnpgKubernetesClient[] = [];
  readonly endpoints: S3EndpointSettings[] = [];
  clientFactory?: CnpgKubernetesClientFactory;
  archiveReaderFactory?: ArchiveReaderFactory;
  now?: () => Date;
  #locked = false;

  /** Called when the plugin starts reading the registrations. */
  lock(): void {
    this.#locked = true;
  }

  #open(call: string): void {
    if (this.#locked) {
      throw new ExtensionPointError(
        `cnpg-backups: ${call} was called after the plugin started; call it in your module's init`,
      );
    }
  }

  readonly kubernetes: CnpgBackupsKubernetesExtensionPoint = {
    addCluster: connection => {
      this.#open('addCluster');
      requireName(connection?.name, 'addCluster: connection.name');
      requireName(connection.url, `addCluster(${connection.name}): url`);
      requireName(
        connection.authProvider,
        `addCluster(${connection.name}): authProvider`,
      );
      this.clusters.push({ ...connection });
    },
    addClient: client => {
      this.#open('addClient');
      requireMethod(client, 'listClusters', 'addClient: the client');
      requireName(client.clusterName, 'addClient: client.clusterName');
      this.clients.push(client);
    },
    setClientFactory: factory => {
      this.#open('setClientFactory');
      requireMethod(factory, 'create', 'setClientFactory: the factory');
      if (this.clientFactory) {
        throw new ExtensionPointError(
          'cnpg-backups: the Kubernetes client factory was already set by another module',
        );
      }
      this.clientFactory = factory;
    },
  };

  readonly archive: CnpgBackupsArchiveExtensionPoint = {
    addEndpoint: settings => {
      this.#open('addEndpoint');
      requireName(settings?.url, 'addEndpoint: settings.url');
      this.endpoints.push({ ...settings });
    },
    setArchiveReaderFactory: factory => {
      this.#open('setArchiveReaderFactory');
      requireMethod(factory, 'create', 'setArchiveReaderFactory: the factory');
      if (this.archiveReaderFactory) {
        throw new ExtensionPointError(
          'cnpg-backups: the archive reader factory was already set by another module',
        );
      }
      this.archiveReaderFactory = factory;
    },
  };

  readonly clock: CnpgBackupsClockExtensionPoint = {
    setClock: now => {
      this.#open('setClock');
      if (typeof now !== 'function') {
        throw new ExtensionPointError(
          'cnpg-backups: setClock needs a function returning the current Date',
        );
      }
      if (this.now) {
        throw new ExtensionPointError(
          'cnpg-backups: the clock was already set by another module',
        );
      }
      this.now = now;
    },
  };
}
