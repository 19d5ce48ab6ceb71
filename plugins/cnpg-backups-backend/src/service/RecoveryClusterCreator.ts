/*
 * Creating a recovery Cluster: the structural recovery rules (-common), the CRD schema check,
 * then — one creation at a time per Kubernetes cluster — the rules against live facts
 * (recoveryCreation.ts), an empty target serverName in the bucket, a reservation and the create.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  checkRecoveryClusterRequest,
  describeRecoveryViolations,
  recoveryViolationStatus,
  type RecoveryRequestViolation,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import type { ArchiveAccess } from '../archive/ArchiveAccess';
import type { ArchiveTargetResolver } from '../archive/ArchiveTargetResolver';
import type {
  CnpgCluster,
  CnpgKubernetesClient,
  KubernetesClientRegistry,
} from '../kubernetes';
import type { ForgetAfterWrite } from './BackupCreator';
import { toArchiveActionError, toHttpError } from './errors';
import { gatherRecoveryFacts, RecoveryCreationLock } from './recoveryCreation';
import type { CnpgBackupsService, CreateClusterResponse } from './types';

/** Validates a Cluster manifest before it is sent (e.g. `validateCnpgResource` from -node). @public */
export type ClusterManifestValidator = (manifest: unknown) => {
  valid: boolean;
  errors: string[];
};

/** Throws the @backstage/errors error for recovery-rule violations: 400, 403 or 409, each named. */
function throwRecoveryViolations(violations: RecoveryRequestViolation[]): void {
  const status = recoveryViolationStatus(violations);
  if (status === undefined) return;
  const message = describeRecoveryViolations(violations);
  if (status === 403) throw new NotAllowedError(message);
  if (status === 409) throw new ConflictError(message);
  throw new InputError(message);
}

type CreateClusterOptions = Parameters<CnpgBackupsService['createCluster']>[0];

export class RecoveryClusterCreator {
  readonly #kubernetes: KubernetesClientRegistry;
  readonly #logger: LoggerService;
  readonly #targets: ArchiveTargetResolver;
  readonly #archives: ArchiveAccess;
  readonly #validate?: ClusterManifestValidator;
  readonly #forget: ForgetAfterWrite;
  readonly #lock = new RecoveryCreationLock();

  constructor(options: {
    kubernetes: KubernetesClientRegistry;
    logger: LoggerService;
    targets: ArchiveTargetResolver;
    archives: ArchiveAccess;
    validateClusterManifest?: ClusterManifestValidator;
    forget: ForgetAfterWrite;
  }) {
    this.#kubernetes = options.kubernetes;
    this.#logger = options.logger;
    this.#targets = options.targets;
    this.#archives = options.archives;
    this.#validate = options.validateClusterManifest;
    this.#forget = options.forget;
  }

  /** Archive folders reserved by creations in flight (or just done) in a Kubernetes cluster. */
  reserved(kubernetesCluster: string) {
    return this.#lock.reserved(kubernetesCluster);
  }

  async create(options: CreateClusterOptions): Promise<CreateClusterResponse> {
    const client = this.#kubernetes.require(options.kubernetesCluster);
    // Structural rules first (no I/O): a bad manifest is a 400 before anything is read.
    throwRecoveryViolations(
      checkRecoveryClusterRequest({
        manifest: options.manifest,
        namespace: options.namespace,
      }).violations,
    );
    const manifest = options.manifest as CnpgCluster;
    if (this.#validate) {
      const result = this.#validate({
        ...manifest,
        metadata: { ...manifest.metadata, namespace: options.namespace },
      });
      if (!result.valid) {
        throw new InputError(
          `The Cluster manifest is invalid: ${result.errors.join('; ')}`,
        );
      }
    }
    // Check + create one at a time per Kubernetes cluster, against live facts, so two
    // restores racing for the same serverName cannot both win.
    return this.#lock.run(client.clusterName, () =>
      this.#createChecked(client, options, manifest),
    );
  }

  async #createChecked(
    client: CnpgKubernetesClient,
    options: CreateClusterOptions,
    manifest: CnpgCluster,
  ): Promise<CreateClusterResponse> {
    const facts = await gatherRecoveryFacts({
      client,
      entity: options.entity,
      namespace: options.namespace,
      reserved: this.#lock.reserved(client.clusterName),
    });
    const check = checkRecoveryClusterRequest({
      manifest,
      namespace: options.namespace,
      facts,
    });
    throwRecoveryViolations(check.violations);
    const targetFolder = check.targetArchive!;
    const newCluster: CnpgCluster = {
      ...manifest,
      metadata: { ...manifest.metadata, namespace: options.namespace },
    };
    // The bucket is the truth: a folder no Cluster declares may still hold WAL.
    const archive = await this.#targets.resolveForAction(client, newCluster);
    let emptiness: { empty: boolean; walObjects: number };
    try {
      emptiness = await this.#archives.isServerNameEmpty({
        client,
        namespace: options.namespace,
        archive,
        serverName: archive.serverName,
      });
    } catch (error) {
      throw toArchiveActionError(error);
    }
    if (!emptiness.empty) {
      throw new ConflictError(
        `ServerNameTaken: serverName "${archive.serverName}" is taken (${emptiness.walObjects} WAL object(s) in ${archive.destinationPath}/${archive.serverName}/wals/): the recovered Cluster must archive to an empty serverName`,
      );
    }
    // Reserved before the create call, so a plan asking meanwhile sees the name as claimed;
    // released when the create fails, kept (for a while) when it succeeds.
    const release = this.#lock.reserve(client.clusterName, {
      ...targetFolder,
      destinationPath: archive.destinationPath,
      claimedBy: `claimed by the recovery Cluster ${options.namespace}/${newCluster.metadata.name} created moments ago`,
      claimant: {
        kubernetesCluster: client.clusterName,
        namespace: options.namespace,
        name: newCluster.metadata.name,
        kind: 'creation',
      },
    });
    let created: CnpgCluster;
    try {
      created = await client.createCluster({
        namespace: options.namespace,
        cluster: newCluster,
      });
    } catch (error) {
      release();
      throw toHttpError(error);
    }
    // A new Cluster changes its namespace's siblings (shared archive folders) and may match
    // entities' label selectors: forget the namespace's statuses and reads.
    await this.#forget({
      kubernetesCluster: client.clusterName,
      namespace: options.namespace,
    });
    this.#logger.info('Created CNPG Cluster', {
      kubernetesCluster: client.clusterName,
      namespace: options.namespace,
      cluster: created.metadata.name,
      requestedBy: options.requestedBy,
    });
    return {
      kubernetesCluster: client.clusterName,
      namespace: options.namespace,
      name: created.metadata.name,
      uid: created.metadata.uid,
    };
  }
}
