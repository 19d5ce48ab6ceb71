/*
 * Secrets → the credentials, region and CA bundle of an archive connection. Values are read
 * server-side, each Secret once per connection, and never returned, logged or cached.
 */
import type { ArchiveTarget } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { CnpgKubernetesClient } from '../kubernetes';
import { ArchiveConfigurationError } from '../service/errors';
import type {
  ArchiveConnection,
  S3EndpointSettings,
} from '@cnpg-backups/plugin-cnpg-backups-node';

/**
 * The connection to `archive`'s bucket: endpoint settings from config win, then the keys the
 * Cluster/ObjectStore names in its namespace's Secrets. Named errors: `CredentialsNotSet`,
 * `SecretKeyNotFound` (and the client's Kubernetes errors for unreadable Secrets).
 */
export async function readArchiveConnection(options: {
  client: CnpgKubernetesClient;
  namespace: string;
  archive: ArchiveTarget;
  settings?: S3EndpointSettings;
}): Promise<ArchiveConnection> {
  const { client, namespace, archive, settings } = options;
  const secrets = new Map<string, Promise<Record<string, string>>>();
  const readKey = async (ref: { name: string; key: string }, what: string) => {
    if (!secrets.has(ref.name))
      secrets.set(ref.name, client.getSecret({ namespace, name: ref.name }));
    const data = await secrets.get(ref.name)!;
    const value = data[ref.key];
    if (value === undefined) {
      throw new ArchiveConfigurationError(
        'SecretKeyNotFound',
        `Secret ${namespace}/${ref.name} has no key "${ref.key}" (${what})`,
      );
    }
    return value;
  };

  let credentials = settings?.credentials;
  const refs = archive.credentials;
  if (!credentials && !refs.inheritFromIAMRole) {
    if (!refs.accessKeyId || !refs.secretAccessKey) {
      throw new ArchiveConfigurationError(
        'CredentialsNotSet',
        `${
          archive.form === 'plugin'
            ? `ObjectStore ${namespace}/${archive.objectStoreName}`
            : 'The Cluster'
        } sets neither s3Credentials.accessKeyId/secretAccessKey nor inheritFromIAMRole`,
      );
    }
    const [accessKeyId, secretAccessKey, sessionToken] = await Promise.all([
      readKey(refs.accessKeyId, 'accessKeyId'),
      readKey(refs.secretAccessKey, 'secretAccessKey'),
      refs.sessionToken
        ? readKey(refs.sessionToken, 'sessionToken')
        : Promise.resolve(undefined),
    ]);
    credentials = { accessKeyId, secretAccessKey, sessionToken };
  }
  const region =
    settings?.region ??
    (refs.region ? await readKey(refs.region, 'region') : undefined);
  const caBundle =
    settings?.caPem ??
    (archive.endpointCA
      ? await readKey(archive.endpointCA, 'endpointCA')
      : undefined);
  return {
    endpoint: settings?.connectUrl ?? archive.endpointURL,
    provider: settings?.provider ?? archive.provider,
    region,
    credentials,
    caBundle,
  };
}
