/*
 * cnpg:recovery:plan: reads the live status of a database from the cnpg-backups backend,
 * runs the pure planner, and confirms that the chosen archive serverName is really free: empty
 * in the bucket AND declared by no Cluster nor claimed by a creation in flight (moving to the
 * next generation when it is not).
 */
import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  planRecovery,
  type DatabaseRef,
  type DatabaseStatus,
  type RecoveryPlan,
  type RecoveryTargetRequest,
  type RecoveryTargetKind,
  type ServerNameEmptinessResponse,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { CnpgBackupsBackendClient } from './CnpgBackupsBackendClient';
import { rethrowAsInputError } from './errors';
import { resolveSourceClusterSpec } from './sourceSpec';
import { examples } from './planRecovery.examples';

/** How many serverName generations to try when the chosen one turns out to be non-empty. */
const MAX_SERVER_NAME_ATTEMPTS = 10;

/** Options of {@link createCnpgRecoveryPlanAction}. @public */
export interface CnpgRecoveryActionOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

const TARGET_KINDS = [
  'latest',
  'time',
  'lsn',
  'backup',
  'name',
  'xid',
] as const;

/** The requested target, empty strings (template defaults) read as absent. */
function toTargetRequest(input: {
  targetKind: string;
  targetTime?: string;
  targetLSN?: string;
  backupId?: string;
  targetName?: string;
  targetXID?: string;
}): RecoveryTargetRequest {
  return {
    kind: input.targetKind as RecoveryTargetKind,
    targetTime: input.targetTime || undefined,
    targetLSN: input.targetLSN || undefined,
    backupId: input.backupId || undefined,
    targetName: input.targetName || undefined,
    targetXID: input.targetXID || undefined,
  };
}

/** Why a serverName is not free: WAL objects in the bucket, and/or who claims it. */
function unavailableReasons(check: ServerNameEmptinessResponse): string[] {
  const claimedBy = Array.isArray(check.claimedBy) ? check.claimedBy : [];
  return [
    ...(check.empty ? [] : [`holds ${check.walObjects} WAL object(s)`]),
    ...(claimedBy.length
      ? [
          `is claimed by ${claimedBy
            .map(
              c =>
                `${
                  c.kind === 'creation'
                    ? 'the recovery Cluster being created '
                    : 'Cluster '
                }${c.kubernetesCluster}/${c.namespace}/${c.name}`,
            )
            .join(', ')}`,
        ]
      : []),
  ];
}

/** Whether the backend's answer says the serverName is empty and unclaimed. */
function isServerNameFree(check: ServerNameEmptinessResponse): boolean {
  const claimedBy = Array.isArray(check.claimedBy) ? check.claimedBy : [];
  return typeof check.available === 'boolean'
    ? check.available && check.empty === true
    : check.empty === true && claimedBy.length === 0;
}

/**
 * Runs the planner, then asks the backend whether the chosen serverName is really free, moving
 * to the next generation until one is (at most {@link MAX_SERVER_NAME_ATTEMPTS} tries).
 */
async function planWithFreeServerName(options: {
  client: CnpgBackupsBackendClient;
  database: DatabaseRef;
  credentials: BackstageCredentials;
  status: DatabaseStatus;
  target: RecoveryTargetRequest;
  newClusterName?: string;
  logger: LoggerService;
}): Promise<RecoveryPlan> {
  const { client, database, credentials, status, target, logger } = options;
  const taken: string[] = [];
  for (let attempt = 0; attempt < MAX_SERVER_NAME_ATTEMPTS; attempt++) {
    let candidate: RecoveryPlan;
    try {
      candidate = planRecovery({
        status,
        target,
        newClusterName: options.newClusterName,
        takenServerNames: taken,
      });
    } catch (error) {
      rethrowAsInputError(error);
    }
    // The catalog only knows the serverNames it scanned: ask the bucket itself, and who
    // declares the name (a Cluster whose archive is still empty claims it all the same).
    const check = await client.checkServerName({
      database,
      serverName: candidate.targetServerName,
      credentials,
    });
    if (isServerNameFree(check)) {
      return candidate;
    }
    logger.info(
      `serverName ${candidate.targetServerName} ${
        unavailableReasons(check).join(' and ') || 'is not available'
      }; trying the next generation`,
    );
    taken.push(candidate.targetServerName);
  }
  throw new InputError(
    `ServerNameConflictError: no free (empty and unclaimed) archive serverName found after ${MAX_SERVER_NAME_ATTEMPTS} generations (tried ${taken.join(
      ', ',
    )})`,
  );
}

/**
 * Creates the `cnpg:recovery:plan` action.
 * @public
 */
export function createCnpgRecoveryPlanAction(
  options: CnpgRecoveryActionOptions,
) {
  const client = new CnpgBackupsBackendClient(options);
  return createTemplateAction({
    id: 'cnpg:recovery:plan',
    description:
      'Plans a CNPG point-in-time recovery from the Barman archive: checks the target against the recovery window and WAL gaps, picks the base backup, and picks an empty archive serverName for the new cluster.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string({
              description: 'Catalog entity owning the database (for links)',
            })
            .optional(),
        kubernetesCluster: z =>
          z
            .string({
              description: 'Kubernetes cluster name as configured in Backstage',
            })
            .min(1),
        namespace: z =>
          z.string({ description: 'Namespace of the CNPG Cluster' }).min(1),
        cluster: z =>
          z.string({ description: 'Name of the source CNPG Cluster' }).min(1),
        targetKind: z =>
          z.enum(TARGET_KINDS, {
            description:
              'latest | time | lsn | backup (state at the end of a backup) | name (restore point) | xid',
          }),
        targetTime: z =>
          z
            .string({
              description: 'RFC 3339 time WITH zone, for targetKind=time',
            })
            .optional(),
        targetLSN: z =>
          z
            .string({
              description: 'LSN such as 0/3000060, for targetKind=lsn',
            })
            .optional(),
        backupId: z =>
          z
            .string({
              description:
                'Barman backup id (YYYYMMDDTHHMMSS); required for backup, name and xid',
            })
            .optional(),
        targetName: z =>
          z
            .string({ description: 'Restore point name, for targetKind=name' })
            .optional(),
        targetXID: z =>
          z
            .string({ description: 'Transaction id, for targetKind=xid' })
            .optional(),
        newClusterName: z =>
          z
            .string({
              description:
                'Name of the new Cluster (default <cluster>-restore)',
            })
            .optional(),
        storageSize: z =>
          z
            .string({
              description:
                'Storage size, only used when the backend cannot return the source spec',
            })
            .optional(),
      },
      output: {
        plan: z =>
          z.record(z.string(), z.unknown()).describe('The full recovery plan'),
        sourceClusterSpec: z =>
          z
            .record(z.string(), z.unknown())
            .describe('Spec the manifest copies from'),
        newClusterName: z => z.string(),
        sourceServerName: z => z.string(),
        targetServerName: z => z.string(),
        baseBackupId: z => z.string(),
        target: z => z.record(z.string(), z.unknown()),
        targetDescription: z => z.string(),
        window: z => z.record(z.string(), z.unknown()),
        warnings: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const database = {
        kubernetesCluster: input.kubernetesCluster,
        namespace: input.namespace,
        name: input.cluster,
      };
      const credentials = await ctx.getInitiatorCredentials();
      const status = await client.getStatus({ database, credentials });
      const target = toTargetRequest(input);

      const plan = await planWithFreeServerName({
        client,
        database,
        credentials,
        status,
        target,
        newClusterName: input.newClusterName || undefined,
        logger: ctx.logger,
      });
      const source = resolveSourceClusterSpec(status, {
        storageSize: input.storageSize,
      });
      const warnings = [...plan.warnings, ...source.warnings];
      ctx.logger.info(
        `Recovery plan: ${plan.sourceCluster} (serverName ${plan.sourceServerName}) → ${plan.newClusterName}, ${plan.targetDescription}, base backup ${plan.baseBackup.id}, new archive serverName ${plan.targetServerName}`,
      );
      for (const warning of warnings) {
        ctx.logger.warn(warning);
      }
      const planJson = JSON.parse(JSON.stringify({ ...plan, warnings }));
      ctx.output('plan', planJson);
      // Plain JSON copies: fetch() results may come from another realm, and the template
      // engine only accepts plain records.
      ctx.output('sourceClusterSpec', JSON.parse(JSON.stringify(source.spec)));
      ctx.output('newClusterName', plan.newClusterName);
      ctx.output('sourceServerName', plan.sourceServerName);
      ctx.output('targetServerName', plan.targetServerName);
      ctx.output('baseBackupId', plan.baseBackup.id);
      ctx.output('target', planJson.target);
      ctx.output('targetDescription', plan.targetDescription);
      ctx.output('window', planJson.window);
      ctx.output('warnings', warnings);
    },
  });
}
