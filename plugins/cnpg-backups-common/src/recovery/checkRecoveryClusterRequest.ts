/*
 * The recovery-only rules for creating a Cluster (one shared, pure function). Used by the
 * backend route `POST /databases/:k8s/:ns/clusters` (with live facts: the entity's databases,
 * the serverNames every existing Cluster archives to, in-flight creations, the bucket) and by
 * the scaffolder action `cnpg:cluster:create` (structural rules only, for fast feedback).
 *
 * Allow-list: exactly what buildRecoveryManifests produces for a recovery Cluster:
 *   apiVersion, kind,
 *   metadata.{name, namespace, annotations[cnpg-backups.io/recovered-from, cnpg-backups.io/recovery-target]},
 *   spec.{the source spec fields the backend returns as clusterSpec (RECOVERY_COPIED_SPEC_FIELDS)},
 *   spec.bootstrap.recovery.{source, recoveryTarget, database, owner, secret},
 *   spec.externalClusters[one entry: name + plugin{name, parameters{barmanObjectName, serverName}}
 *                           or barmanObjectStore].
 * Why: everything else is a way to run code or reach data that a restore does not need —
 * initdb/postInitSQL (superuser SQL), managed.roles (new login roles), projected/ephemeral
 * volumes and sidecar-ish fields, labels (a `backstage.io/kubernetes-id` label attaches the
 * cluster to another team's entity), annotations such as cnpg.io/skipEmptyWalArchiveCheck.
 * Fields copied from the source that change what runs (image, PostgreSQL configuration incl.
 * pg_hba, superuser access, extra plugins) must equal the source's when the source is known.
 */
import { isDns1123Label } from '../kubernetes/names';
import { BARMAN_CLOUD_PLUGIN_NAME } from '../archive/names';
import { withoutTrailingSlashes } from '../archive/destination';

type Json = Record<string, any>;

/** Violation codes of {@link checkRecoveryClusterRequest}. @public */
export type RecoveryRequestViolationCode =
  | 'NotACluster'
  | 'InvalidName'
  | 'NamespaceMismatch'
  | 'NotARecoveryCluster'
  | 'ForbiddenField'
  | 'SkipEmptyWalArchiveCheck'
  | 'SourceFieldChanged'
  | 'NoArchive'
  | 'RecoverySourceNotOwned'
  | 'ServerNameTaken';

/** One named reason a recovery Cluster request is refused. @public */
export interface RecoveryRequestViolation {
  code: RecoveryRequestViolationCode;
  /** JSON path in the manifest (`spec.managed.roles`), when the violation is about one field. */
  path?: string;
  /** The serverName concerned (ServerNameTaken, RecoverySourceNotOwned). */
  serverName?: string;
  message: string;
}

/** An archive folder: where (ObjectStore name or destinationPath) and which serverName. @public */
export interface ArchiveFolderRef {
  /** ObjectStore name (plugin form), in the namespace of the Cluster that names it. */
  objectStoreName?: string;
  /** s3://bucket/prefix (legacy form, or the ObjectStore's destinationPath when resolved). */
  destinationPath?: string;
  serverName: string;
}

/** A database the caller's entity declares (annotations), with the archives it may restore from. @public */
export interface OwnedRecoverySource {
  /** `<kubernetesCluster>/<namespace>/<name>`, for messages. */
  database: string;
  /** The source Cluster's spec, to compare copied fields against (optional). */
  spec?: Record<string, unknown>;
  /** Its archive and the archives it was itself recovered from. */
  archives: ArchiveFolderRef[];
}

/** Facts the rules are checked against. Omitted facts skip the rules that need them. @public */
export interface RecoveryRequestFacts {
  /** The databases the caller's entity declares. Omit to skip the ownership rule. */
  owned?: OwnedRecoverySource[];
  /**
   * serverNames already written per destination: declared by existing Clusters' archives,
   * in-flight creations, non-empty folders. Omit to skip the rule.
   */
  taken?: Array<ArchiveFolderRef & { claimedBy: string }>;
  /** destinationPath of the ObjectStores in the target namespace (name → destinationPath). */
  objectStoreDestinations?: Record<string, string>;
}

/** Options of {@link checkRecoveryClusterRequest}. @public */
export interface CheckRecoveryClusterRequestOptions {
  manifest: unknown;
  /** The namespace the Cluster is created in. */
  namespace: string;
  facts?: RecoveryRequestFacts;
}

/** Result of {@link checkRecoveryClusterRequest}. @public */
export interface RecoveryRequestCheck {
  violations: RecoveryRequestViolation[];
  /** Where the new Cluster archives (when it could be read). */
  targetArchive?: ArchiveFolderRef;
  /** Which archive it recovers from (when it could be read). */
  sourceArchive?: ArchiveFolderRef;
}

/** Spec fields a recovery manifest copies from the source (the backend's clusterSpec). @public */
export const RECOVERY_COPIED_SPEC_FIELDS = [
  'instances',
  'imageName',
  'imageCatalogRef',
  'storage',
  'walStorage',
  'postgresql',
  'resources',
  'affinity',
  'plugins',
  'backup',
  'primaryUpdateStrategy',
  'enableSuperuserAccess',
  'monitoring',
] as const;

/** Copied fields that decide what runs: they must equal the source's when it is known. */
const MUST_MATCH_SOURCE = [
  'imageName',
  'imageCatalogRef',
  'postgresql',
  'enableSuperuserAccess',
  'monitoring',
];

const ALLOWED_SPEC_FIELDS = new Set<string>([
  ...RECOVERY_COPIED_SPEC_FIELDS,
  'bootstrap',
  'externalClusters',
]);
const ALLOWED_METADATA_FIELDS = new Set(['name', 'namespace', 'annotations']);
/** The annotations buildRecoveryManifests writes. */
const ALLOWED_ANNOTATIONS = new Set([
  'cnpg-backups.io/recovered-from',
  'cnpg-backups.io/recovery-target',
]);
const ALLOWED_RECOVERY_FIELDS = new Set([
  'source',
  'recoveryTarget',
  'database',
  'owner',
  'secret',
]);
const ALLOWED_RECOVERY_TARGET_FIELDS = new Set([
  'backupID',
  'targetTime',
  'targetLSN',
  'targetName',
  'targetXID',
  'targetImmediate',
  'exclusive',
]);
const SKIP_WAL_CHECK_ANNOTATION = 'cnpg.io/skipEmptyWalArchiveCheck';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map(k => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function normalizeDestination(path: string): string {
  return withoutTrailingSlashes(path);
}

/** Where a folder is, as a comparable key; undefined when unknown. */
function destinationOf(
  ref: ArchiveFolderRef,
  objectStores: Record<string, string> | undefined,
): string | undefined {
  if (ref.destinationPath) return normalizeDestination(ref.destinationPath);
  if (ref.objectStoreName && objectStores?.[ref.objectStoreName]) {
    return normalizeDestination(objectStores[ref.objectStoreName]);
  }
  return ref.objectStoreName ? `objectstore:${ref.objectStoreName}` : undefined;
}

function sameFolder(
  a: ArchiveFolderRef,
  b: ArchiveFolderRef,
  objectStores: Record<string, string> | undefined,
): boolean {
  if (a.serverName !== b.serverName) return false;
  const da = destinationOf(a, objectStores);
  const db = destinationOf(b, objectStores);
  return da !== undefined && da === db;
}

/** The barman-cloud entries of spec.plugins that are enabled (the last one wins). */
function barmanPluginEntries(spec: Json): Json[] {
  const plugins: unknown[] = Array.isArray(spec.plugins) ? spec.plugins : [];
  return plugins.filter(
    (p): p is Json => isObject(p) && p.name === BARMAN_CLOUD_PLUGIN_NAME,
  );
}

/**
 * Checks a Cluster a caller wants to create against the recovery-only rules. Pure: no I/O.
 * Returns every violation found (empty = allowed); map them with
 * {@link recoveryViolationStatus}.
 * @public
 */
export function checkRecoveryClusterRequest(
  options: CheckRecoveryClusterRequestOptions,
): RecoveryRequestCheck {
  const violations: RecoveryRequestViolation[] = [];
  const add = (v: RecoveryRequestViolation) => violations.push(v);
  const forbid = (path: string, why: string) =>
    add({
      code: 'ForbiddenField',
      path,
      message: `${path} is not allowed in a recovery Cluster: ${why}`,
    });
  const { manifest, namespace, facts = {} } = options;
  const objectStores = facts.objectStoreDestinations;

  if (!isObject(manifest)) {
    add({ code: 'NotACluster', message: 'manifest must be a Cluster object' });
    return { violations };
  }
  if (
    manifest.apiVersion !== 'postgresql.cnpg.io/v1' ||
    manifest.kind !== 'Cluster'
  ) {
    add({
      code: 'NotACluster',
      message: `manifest must be apiVersion postgresql.cnpg.io/v1, kind Cluster (got ${String(
        manifest.apiVersion,
      )} ${String(manifest.kind)})`,
    });
    return { violations };
  }
  for (const key of Object.keys(manifest)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(key)) {
      forbid(key, 'only apiVersion, kind, metadata and spec are sent');
    }
  }

  // ---- metadata ---------------------------------------------------------------------------
  const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
  if (typeof metadata.name !== 'string' || !isDns1123Label(metadata.name)) {
    add({
      code: 'InvalidName',
      path: 'metadata.name',
      message: `metadata.name ${JSON.stringify(
        metadata.name,
      )} must be a DNS-1123 label`,
    });
  }
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    add({
      code: 'NamespaceMismatch',
      path: 'metadata.namespace',
      message: `metadata.namespace ${JSON.stringify(
        metadata.namespace,
      )} differs from the target namespace "${namespace}"`,
    });
  }
  for (const key of Object.keys(metadata)) {
    if (key === 'labels') {
      forbid(
        'metadata.labels',
        "labels such as backstage.io/kubernetes-id attach the Cluster to a catalog entity; add the new Cluster to your entity's cnpg.io/cluster annotation instead",
      );
    } else if (!ALLOWED_METADATA_FIELDS.has(key)) {
      forbid(
        `metadata.${key}`,
        'the recovery manifest sets only name, namespace and annotations',
      );
    }
  }
  if (metadata.annotations !== undefined) {
    if (!isObject(metadata.annotations)) {
      forbid('metadata.annotations', 'must be a map of strings');
    } else {
      for (const key of Object.keys(metadata.annotations)) {
        if (key === SKIP_WAL_CHECK_ANNOTATION) {
          add({
            code: 'SkipEmptyWalArchiveCheck',
            path: `metadata.annotations.${key}`,
            message: `${key} would let the new Cluster write WAL into a non-empty archive (another cluster's history); recovery must archive to an empty serverName`,
          });
        } else if (!ALLOWED_ANNOTATIONS.has(key)) {
          forbid(
            `metadata.annotations.${key}`,
            `only ${[...ALLOWED_ANNOTATIONS].join(
              ', ',
            )} are written by the recovery manifest`,
          );
        }
      }
    }
  }

  // ---- spec ---------------------------------------------------------------------------------
  if (!isObject(manifest.spec)) {
    add({
      code: 'NotARecoveryCluster',
      path: 'spec',
      message: 'spec is required (with bootstrap.recovery)',
    });
    return { violations };
  }
  const spec = manifest.spec;
  for (const key of Object.keys(spec)) {
    if (!ALLOWED_SPEC_FIELDS.has(key)) {
      forbid(`spec.${key}`, 'the recovery manifest never sets it');
    }
  }

  // bootstrap: recovery and nothing else
  const bootstrap = spec.bootstrap;
  let recovery: Json | undefined;
  if (!isObject(bootstrap)) {
    add({
      code: 'NotARecoveryCluster',
      path: 'spec.bootstrap',
      message:
        'spec.bootstrap.recovery is required: this route only creates recovery Clusters',
    });
  } else {
    for (const key of Object.keys(bootstrap)) {
      if (key !== 'recovery') {
        add({
          code: 'NotARecoveryCluster',
          path: `spec.bootstrap.${key}`,
          message: `spec.bootstrap.${key} is not allowed: only bootstrap.recovery (no initdb, no pg_basebackup, no SQL run as superuser)`,
        });
      }
    }
    if (!isObject(bootstrap.recovery)) {
      add({
        code: 'NotARecoveryCluster',
        path: 'spec.bootstrap.recovery',
        message: 'spec.bootstrap.recovery is required',
      });
    } else {
      recovery = bootstrap.recovery;
      for (const key of Object.keys(recovery)) {
        if (!ALLOWED_RECOVERY_FIELDS.has(key)) {
          forbid(
            `spec.bootstrap.recovery.${key}`,
            `only ${[...ALLOWED_RECOVERY_FIELDS].join(
              ', ',
            )} (a restore from an external cluster's archive)`,
          );
        }
      }
      if (recovery.recoveryTarget !== undefined) {
        if (!isObject(recovery.recoveryTarget)) {
          forbid('spec.bootstrap.recovery.recoveryTarget', 'must be an object');
        } else {
          for (const key of Object.keys(recovery.recoveryTarget)) {
            if (!ALLOWED_RECOVERY_TARGET_FIELDS.has(key)) {
              forbid(
                `spec.bootstrap.recovery.recoveryTarget.${key}`,
                'not a CNPG recovery target field',
              );
            }
          }
        }
      }
      if (isObject(recovery.secret)) {
        for (const key of Object.keys(recovery.secret)) {
          if (key !== 'name')
            forbid(`spec.bootstrap.recovery.secret.${key}`, 'only secret.name');
        }
      }
      if (typeof recovery.source !== 'string' || recovery.source === '') {
        add({
          code: 'NotARecoveryCluster',
          path: 'spec.bootstrap.recovery.source',
          message:
            'spec.bootstrap.recovery.source must name the externalClusters entry holding the archive (restores from a Backup object or volume snapshots are not offered)',
        });
      }
    }
  }

  // externalClusters: exactly the recovery source
  let sourceArchive: ArchiveFolderRef | undefined;
  const externals: unknown[] = Array.isArray(spec.externalClusters)
    ? spec.externalClusters
    : [];
  if (
    spec.externalClusters !== undefined &&
    !Array.isArray(spec.externalClusters)
  ) {
    forbid('spec.externalClusters', 'must be a list');
  }
  if (externals.length > 1) {
    forbid(
      'spec.externalClusters',
      'the recovery manifest has exactly one entry: the recovery source',
    );
  }
  externals.forEach((external, index) => {
    const path = `spec.externalClusters[${index}]`;
    if (!isObject(external)) {
      forbid(path, 'must be an object');
      return;
    }
    for (const key of Object.keys(external)) {
      if (!['name', 'plugin', 'barmanObjectStore'].includes(key)) {
        forbid(
          `${path}.${key}`,
          'a recovery source is a Barman archive only (no connectionParameters, passwords or certificates)',
        );
      }
    }
    if (recovery && external.name === recovery.source) {
      if (isObject(external.plugin)) {
        const parameters = isObject(external.plugin.parameters)
          ? external.plugin.parameters
          : {};
        for (const key of Object.keys(external.plugin)) {
          if (!['name', 'parameters', 'enabled'].includes(key))
            forbid(
              `${path}.plugin.${key}`,
              'not written by the recovery manifest',
            );
        }
        for (const key of Object.keys(parameters)) {
          if (!['barmanObjectName', 'serverName'].includes(key))
            forbid(
              `${path}.plugin.parameters.${key}`,
              'only barmanObjectName and serverName',
            );
        }
        if (
          external.plugin.name !== BARMAN_CLOUD_PLUGIN_NAME ||
          typeof parameters.barmanObjectName !== 'string' ||
          typeof parameters.serverName !== 'string'
        ) {
          add({
            code: 'NotARecoveryCluster',
            path: `${path}.plugin`,
            message: `${path}.plugin must be ${BARMAN_CLOUD_PLUGIN_NAME} with explicit barmanObjectName and serverName`,
          });
        } else {
          sourceArchive = {
            objectStoreName: parameters.barmanObjectName,
            serverName: parameters.serverName,
          };
        }
      } else if (isObject(external.barmanObjectStore)) {
        const store = external.barmanObjectStore;
        if (typeof store.destinationPath !== 'string') {
          add({
            code: 'NotARecoveryCluster',
            path: `${path}.barmanObjectStore.destinationPath`,
            message: 'destinationPath is required',
          });
        } else {
          sourceArchive = {
            destinationPath: store.destinationPath,
            serverName:
              typeof store.serverName === 'string' && store.serverName
                ? store.serverName
                : String(external.name),
          };
        }
      } else {
        add({
          code: 'NotARecoveryCluster',
          path,
          message: `${path} must be a Barman Cloud archive (plugin or barmanObjectStore)`,
        });
      }
    }
  });
  if (
    recovery &&
    typeof recovery.source === 'string' &&
    recovery.source !== '' &&
    !externals.some(e => isObject(e) && e.name === recovery!.source)
  ) {
    add({
      code: 'NotARecoveryCluster',
      path: 'spec.externalClusters',
      message: `no externalClusters entry named "${recovery.source}" (the recovery source)`,
    });
  }

  // archive of the new cluster
  let targetArchive: ArchiveFolderRef | undefined;
  const barman = barmanPluginEntries(spec).filter(p => p.enabled !== false);
  if (barman.length > 1) {
    forbid('spec.plugins', `more than one ${BARMAN_CLOUD_PLUGIN_NAME} entry`);
  }
  const entry = barman[barman.length - 1];
  if (entry) {
    const parameters = isObject(entry.parameters) ? entry.parameters : {};
    if (
      typeof parameters.barmanObjectName === 'string' &&
      typeof parameters.serverName === 'string'
    ) {
      targetArchive = {
        objectStoreName: parameters.barmanObjectName,
        serverName: parameters.serverName,
      };
    }
  } else if (isObject(spec.backup) && isObject(spec.backup.barmanObjectStore)) {
    const store = spec.backup.barmanObjectStore;
    if (
      typeof store.destinationPath === 'string' &&
      typeof store.serverName === 'string'
    ) {
      targetArchive = {
        destinationPath: store.destinationPath,
        serverName: store.serverName,
      };
    }
  }
  if (!targetArchive) {
    add({
      code: 'NoArchive',
      path: entry ? 'spec.plugins' : 'spec.backup.barmanObjectStore',
      message:
        'the recovered Cluster must archive to an explicit, new serverName (barmanObjectName + serverName, or barmanObjectStore.destinationPath + serverName)',
    });
  }
  if (
    targetArchive &&
    sourceArchive &&
    sameFolder(targetArchive, sourceArchive, objectStores)
  ) {
    add({
      code: 'ServerNameTaken',
      serverName: targetArchive.serverName,
      path: 'spec.plugins',
      message: `serverName "${targetArchive.serverName}" is the one the Cluster recovers from: it must archive to a new, empty serverName`,
    });
  }

  // ---- facts: ownership --------------------------------------------------------------------
  let ownedSource: OwnedRecoverySource | undefined;
  if (facts.owned && sourceArchive) {
    ownedSource = facts.owned.find(o =>
      o.archives.some(a => sameFolder(a, sourceArchive!, objectStores)),
    );
    if (!ownedSource) {
      add({
        code: 'RecoverySourceNotOwned',
        serverName: sourceArchive.serverName,
        path: 'spec.externalClusters',
        message: `the recovery source (serverName "${
          sourceArchive.serverName
        }" in ${
          destinationOf(sourceArchive, objectStores) ?? 'an unknown destination'
        }) is not the archive of a database your entity declares (${
          facts.owned.map(o => o.database).join(', ') || 'none'
        })`,
      });
    }
  }
  // Fields that decide what runs must be the source's.
  if (ownedSource?.spec) {
    const source = ownedSource.spec as Json;
    for (const key of MUST_MATCH_SOURCE) {
      if (stableJson(spec[key]) !== stableJson(source[key])) {
        add({
          code: 'SourceFieldChanged',
          path: `spec.${key}`,
          message: `spec.${key} differs from the source Cluster ${ownedSource.database}: a restore keeps the source's ${key}`,
        });
      }
    }
    const others = (s: Json) =>
      (Array.isArray(s.plugins) ? s.plugins : []).filter(
        (p: unknown) => !(isObject(p) && p.name === BARMAN_CLOUD_PLUGIN_NAME),
      );
    if (stableJson(others(spec)) !== stableJson(others(source))) {
      add({
        code: 'SourceFieldChanged',
        path: 'spec.plugins',
        message: `spec.plugins adds or changes plugins other than ${BARMAN_CLOUD_PLUGIN_NAME} compared with the source Cluster ${ownedSource.database}`,
      });
    }
  }

  // ---- facts: serverNames already written ----------------------------------------------------
  if (facts.taken && targetArchive) {
    const claim = facts.taken.find(t =>
      sameFolder(t, targetArchive!, objectStores),
    );
    if (claim) {
      add({
        code: 'ServerNameTaken',
        serverName: targetArchive.serverName,
        message: `serverName "${targetArchive.serverName}" is taken (${claim.claimedBy}): the recovered Cluster must archive to a serverName nobody writes`,
      });
    }
  }
  return { violations, targetArchive, sourceArchive };
}

/**
 * The HTTP status for a set of violations: 400 for a bad manifest, else 403 when the source is
 * not owned, else 409 when the serverName is taken; undefined when there is none.
 * @public
 */
export function recoveryViolationStatus(
  violations: RecoveryRequestViolation[],
): 400 | 403 | 409 | undefined {
  if (violations.length === 0) return undefined;
  if (violations.some(v => v.code === 'RecoverySourceNotOwned')) {
    // A bad manifest still says 400 first, so a caller fixes it before learning about ownership.
    return violations.every(
      v => v.code === 'RecoverySourceNotOwned' || v.code === 'ServerNameTaken',
    )
      ? 403
      : 400;
  }
  if (violations.every(v => v.code === 'ServerNameTaken')) return 409;
  return 400;
}

/** One line naming every violation: `ForbiddenField spec.managed: …; ServerNameTaken: …`. @public */
export function describeRecoveryViolations(
  violations: RecoveryRequestViolation[],
): string {
  return violations
    .map(v => `${v.code}${v.path ? ` ${v.path}` : ''}: ${v.message}`)
    .join('; ');
}
