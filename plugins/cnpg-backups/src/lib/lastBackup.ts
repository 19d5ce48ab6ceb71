import type { ReconciledBackup } from '@cnpg-backups/plugin-cnpg-backups-common';

/** The newest backup the bucket holds as DONE, else the newest of any kind. */
export function findLastBackup(
  backups: ReconciledBackup[],
): ReconciledBackup | undefined {
  const timeOf = (backup: ReconciledBackup) =>
    backup.bucket?.endTime ??
    backup.bucket?.beginTime ??
    backup.resource?.stoppedAt ??
    backup.resource?.startedAt ??
    '';
  const sorted = [...backups].sort(
    (a, b) => Date.parse(timeOf(b) || '0') - Date.parse(timeOf(a) || '0'),
  );
  return sorted.find(backup => backup.bucket?.status === 'DONE') ?? sorted[0];
}
