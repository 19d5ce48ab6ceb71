/*
 * An ArchiveReader per bucket connection: the endpoint policy first (only allowed endpoints are
 * ever contacted), then Secret credentials, then one reader (and its sockets) reused per
 * connection.
 */
import crypto from 'node:crypto';
import type { ArchiveTarget } from '@cnpg-backups/plugin-cnpg-backups-common';
import {
  parseEndpointURL,
  type ArchiveReader,
  type ArchiveReaderFactory,
} from '@cnpg-backups/plugin-cnpg-backups-node';
import type { CnpgKubernetesClient } from '../kubernetes';
import {
  EndpointNotAllowedError,
  type S3EndpointPolicy,
} from './S3EndpointPolicy';
import { readArchiveConnection } from './SecretCredentials';

export class ArchiveReaderPool {
  readonly #factory: ArchiveReaderFactory;
  readonly #endpointPolicy: S3EndpointPolicy;
  readonly #readers = new Map<string, ArchiveReader>();

  constructor(options: {
    factory: ArchiveReaderFactory;
    endpointPolicy: S3EndpointPolicy;
  }) {
    this.#factory = options.factory;
    this.#endpointPolicy = options.endpointPolicy;
  }

  /** An ArchiveReader for the target, after the endpoint policy and with Secret credentials. */
  async readerFor(
    client: CnpgKubernetesClient,
    namespace: string,
    archive: ArchiveTarget,
  ): Promise<ArchiveReader> {
    // endpointURL comes from the cluster objects: a non-URL is a named configuration error.
    if (archive.endpointURL) parseEndpointURL(archive.endpointURL);
    const decision = this.#endpointPolicy.decide(archive.endpointURL);
    if (!decision.allowed) {
      throw new EndpointNotAllowedError(
        archive.endpointURL ?? 'aws',
        decision.reason,
      );
    }
    const connection = await readArchiveConnection({
      client,
      namespace,
      archive,
      settings: decision.settings,
    });
    // Reuse clients (and their sockets) per connection; the key is a hash so no credential is
    // kept as a readable map key.
    const key = crypto
      .createHash('sha256')
      .update(JSON.stringify(connection))
      .digest('hex');
    let reader = this.#readers.get(key);
    if (!reader) {
      reader = this.#factory.create(connection);
      this.#readers.set(key, reader);
    }
    return reader;
  }
}
