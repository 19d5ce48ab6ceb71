/*
 * DatabaseStatus → DatabaseSnapshot (the compact, secret-free observation the fleet stores),
 * and the arithmetic carried from one snapshot to the next (diagnosis first seen).
 */
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  exposureBoundSeconds,
  type DatabaseSnapshot,
  type DatabaseStatus,
  type FleetDiagnosis,
  type FleetHealthLevel,
} from '@cnpg-backups/plugin-cnpg-backups-common';

const SEVERITY_RANK: Record<FleetDiagnosis['severity'], number> = {
  error: 0,
  warning: 1,
  info: 2,
};

/** Where the snapshot's ownership comes from: the entity that claims the Cluster, if any. */
export function entityOwnership(
  entity: Entity | undefined,
): Pick<DatabaseSnapshot, 'entityRef' | 'owner' | 'system'> {
  if (!entity) return {};
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const str = (v: unknown) =>
    typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  return {
    entityRef: stringifyEntityRef(entity),
    owner: str(spec.owner),
    system: str(spec.system),
  };
}

const ms = (iso: string | undefined) => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/**
 * The snapshot of one status at `takenAt`. Copies only ids, levels, instants, counts and the
 * diagnoses' title/fix: never the archive credentials, endpoint, cluster spec or catalog.
 */
export function toDatabaseSnapshot(options: {
  status: DatabaseStatus;
  takenAt: Date;
  entity?: Entity;
}): DatabaseSnapshot {
  const { status, takenAt } = options;
  const takenAtIso = takenAt.toISOString();
  const to = status.recoveryWindow.effective.to;
  const toMs = ms(to);
  const lastBackup = status.lastBackupId
    ? status.backups.find(b => b.id === status.lastBackupId)
    : undefined;
  const walGapCount = (status.catalog?.wal.timelines ?? []).reduce(
    (n, t) => n + t.gaps.length,
    0,
  );
  const diagnoses: FleetDiagnosis[] = status.diagnoses
    .map(d => ({
      id: d.id,
      severity: d.severity,
      title: d.message,
      ...(d.fix ? { fix: d.fix } : {}),
    }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        a.id.localeCompare(b.id),
    );
  const snapshot: DatabaseSnapshot = {
    databaseId: status.id,
    kubernetesCluster: status.cluster.kubernetesCluster,
    namespace: status.cluster.namespace,
    cluster: status.cluster.name,
    serverName: status.archive?.serverName,
    ...entityOwnership(options.entity),
    provider: status.archive?.provider,
    health: status.health.level as FleetHealthLevel,
    healthSummary: status.health.summary,
    takenAt: takenAtIso,
    lastRecoverableAt: to,
    firstRecoverableAt: status.recoveryWindow.effective.from,
    exposureSeconds:
      toMs === undefined
        ? undefined
        : Math.max(0, Math.round((takenAt.getTime() - toMs) / 1000)),
    expectedMaxExposureSeconds: status.archive
      ? exposureBoundSeconds({
          schedules: status.schedules,
          retentionPolicy: status.archive.retentionPolicy,
        })
      : undefined,
    lastBackupAt:
      lastBackup?.display?.severity === 'ok'
        ? lastBackup.display.time
        : undefined,
    walGapCount,
    diagnoses,
    scanDurationMs: status.catalog?.scan.durationMs,
    s3Requests: status.catalog?.scan.requests,
  };
  // No undefined values in stored JSON (stable bytes, stable equality in tests).
  for (const key of Object.keys(snapshot) as Array<keyof DatabaseSnapshot>) {
    if (snapshot[key] === undefined) delete snapshot[key];
  }
  return snapshot;
}

/**
 * Diagnosis id → first takenAt of its current uninterrupted run: a diagnosis present in the
 * previous snapshot keeps its first-seen instant, a new one (or one that disappeared and came
 * back) starts at `current.takenAt`, and a diagnosis no longer present is dropped.
 */
export function nextDiagnosisFirstSeen(
  previous: Record<string, string> | undefined,
  current: Pick<DatabaseSnapshot, 'diagnoses' | 'takenAt'>,
): Record<string, string> {
  const next: Record<string, string> = {};
  for (const d of current.diagnoses) {
    if (next[d.id] !== undefined) continue;
    next[d.id] = previous?.[d.id] ?? current.takenAt;
  }
  return next;
}

/** The YAML annotation that claims an unowned Cluster for an entity. */
export function claimSnippet(
  snapshot: Pick<
    DatabaseSnapshot,
    'kubernetesCluster' | 'namespace' | 'cluster'
  >,
): string {
  return [
    'metadata:',
    '  annotations:',
    `    cnpg.io/cluster: ${snapshot.kubernetesCluster}:${snapshot.namespace}/${snapshot.cluster}`,
    '',
  ].join('\n');
}
