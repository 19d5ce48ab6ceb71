/*
 * Backup CRs (intent) matched with the bucket's backups (truth) by barman backup id.
 */
import type { BarmanCatalog } from '../catalog/types';
import type { CnpgBackup } from '../kubernetes/resources';
import {
  backupDisplay,
  IN_PROGRESS_BACKUP_PHASES,
  sortBackupsNewestFirst,
} from './backups';
import { summarizeBackup } from './summarize';
import type { ReconciledBackup } from './types';

/**
 * Matches Backup CRs with bucket backups by barman backup id.
 * @public
 */
export function reconcileBackups(options: {
  backups: CnpgBackup[];
  catalog?: BarmanCatalog;
}): ReconciledBackup[] {
  const { catalog } = options;
  const result: ReconciledBackup[] = [];
  const bucketById = new Map((catalog?.backups ?? []).map(b => [b.id, b]));
  const matched = new Set<string>();
  for (const cr of options.backups) {
    const resource = summarizeBackup(cr);
    const id = resource.backupId;
    const bucket = id ? bucketById.get(id) : undefined;
    if (bucket && id) {
      matched.add(id);
      let note: string | undefined;
      if (resource.phase === 'failed' && bucket.status === 'DONE') {
        note =
          'The Backup CR failed but barman finished the backup in the bucket.';
      } else if (resource.phase === 'completed' && bucket.status !== 'DONE') {
        note = `The Backup CR is completed but the bucket's backup.info says ${bucket.status}.`;
      }
      result.push({ id, presence: 'both', bucket, resource, note });
      continue;
    }
    const phase = (resource.phase ?? '').toLowerCase();
    let note: string;
    if (!catalog) {
      note =
        'The bucket was not scanned, so this Backup CR cannot be checked against it.';
    } else if (IN_PROGRESS_BACKUP_PHASES.has(phase)) {
      note = `In progress (phase ${
        resource.phase ?? 'not set yet'
      }): barman writes backup.info last, so the bucket shows it when it finishes.`;
    } else if (phase === 'failed') {
      note = `Failed${
        resource.error ? `: ${resource.error}` : ''
      }; nothing usable was written to the bucket.`;
    } else if (phase === 'completed') {
      note = `The Backup CR says completed (backup id ${
        id ?? 'unknown'
      }) but the bucket has no base/${
        id ?? '<id>'
      }/: deleted by retention or by hand (the plugin's maintenance loop deletes such CRs on its next cycle), or written to another serverName.`;
    } else {
      note = `Phase ${resource.phase}: not found in the bucket.`;
    }
    result.push({
      id: id ?? resource.name,
      presence: 'cr-only',
      resource,
      note,
    });
  }
  for (const bucket of catalog?.backups ?? []) {
    if (matched.has(bucket.id)) continue;
    result.push({
      id: bucket.id,
      presence: 'bucket-only',
      bucket,
      note: 'No Backup CR: taken outside Kubernetes (barman-cloud-backup by hand, another cluster with the same serverName), or its CR was deleted (e.g. it belonged to a previous incarnation of the cluster).',
    });
  }
  return sortBackupsNewestFirst(result).map(backup => ({
    ...backup,
    display: backupDisplay(backup),
  }));
}
