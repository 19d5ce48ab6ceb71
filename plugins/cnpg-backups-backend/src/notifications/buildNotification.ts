/*
 * Issue 13: the notification payload for one change of one database: severity mapped from the
 * change, a link to the entity's Backups tab, the fix of each new diagnosis in the description.
 * Every text goes through redactSecrets (point 4).
 */
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { DatabaseSnapshot } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { SnapshotChange } from './classifyChange';
import { redactSecrets } from './redact';

/** Topic of every CNPG Backups notification (users filter/mute on it). */
export const NOTIFICATION_TOPIC = 'cnpg-backups';
/** Path of the entity's Backups tab (plugins/cnpg-backups alpha.tsx `path: 'cnpg-backups'`). */
export const BACKUPS_TAB_PATH = 'cnpg-backups';

const MAX_DIAGNOSES = 3;
const MAX_DESCRIPTION = 2000;

/** Link to the Backups tab of an entity, lower-cased the way the catalog's entity routes are. */
export function backupsTabLink(entityRef: string): string {
  const ref = parseEntityRef(entityRef);
  const part = (s: string) => encodeURIComponent(s.toLocaleLowerCase('en-US'));
  return `/catalog/${part(ref.namespace)}/${part(
    ref.kind,
  )}/${encodeURIComponent(ref.name)}/${BACKUPS_TAB_PATH}`;
}

/** Human duration of an exposure: `3d 4h`, `2h 5m`, `40s`. */
export function formatExposure(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${s}s`;
}

function severityOf(change: SnapshotChange): NotificationPayload['severity'] {
  if (change.kind === 'recovered') return 'low';
  return change.to === 'error' ? 'critical' : 'high';
}

function titleOf(change: SnapshotChange, name: string): string {
  switch (change.kind) {
    case 'recovered':
      return `Backups of ${name} recovered`;
    case 'new-error-diagnosis':
      return `New backup problem on ${name}: ${
        change.newDiagnoses.find(d => d.severity === 'error')?.title ?? 'error'
      }`;
    default:
      return change.to === 'error'
        ? `Backups of ${name} are failing`
        : `Backups of ${name} need attention`;
  }
}

export function buildNotificationPayload(
  change: SnapshotChange,
  snapshot: DatabaseSnapshot,
): NotificationPayload {
  const name = `${snapshot.namespace}/${snapshot.cluster} (${snapshot.kubernetesCluster})`;
  const lines: string[] = [];
  if (change.kind === 'recovered') {
    lines.push(`Health is ok again (was ${change.from}).`);
  } else if (snapshot.healthSummary) {
    lines.push(snapshot.healthSummary);
  }
  if (snapshot.lastRecoverableAt) {
    const exposure =
      snapshot.exposureSeconds !== undefined
        ? ` (exposure ${formatExposure(snapshot.exposureSeconds)})`
        : '';
    lines.push(`Recoverable up to ${snapshot.lastRecoverableAt}${exposure}.`);
  } else if (change.kind !== 'recovered') {
    lines.push(
      'No recovery window: this database cannot be restored from its archive.',
    );
  }
  if (change.kind !== 'recovered') {
    const shown = change.newDiagnoses.length
      ? change.newDiagnoses
      : snapshot.diagnoses.filter(d => d.severity !== 'info');
    for (const diagnosis of shown.slice(0, MAX_DIAGNOSES)) {
      lines.push(
        diagnosis.fix
          ? `${diagnosis.title}. Fix: ${diagnosis.fix}`
          : diagnosis.title,
      );
    }
    if (shown.length > MAX_DIAGNOSES) {
      lines.push(
        `…and ${shown.length - MAX_DIAGNOSES} more on the Backups tab.`,
      );
    }
  }
  let description = redactSecrets(lines.join('\n'));
  if (description.length > MAX_DESCRIPTION) {
    description = `${description.slice(0, MAX_DESCRIPTION - 1)}…`;
  }
  return {
    title: redactSecrets(titleOf(change, name)),
    description,
    link: snapshot.entityRef ? backupsTabLink(snapshot.entityRef) : undefined,
    severity: severityOf(change),
    topic: NOTIFICATION_TOPIC,
    // One entry per database and user: a later change re-sends (updates, marks unread) that entry.
    scope: `cnpg-backups:${snapshot.databaseId}`,
  };
}
