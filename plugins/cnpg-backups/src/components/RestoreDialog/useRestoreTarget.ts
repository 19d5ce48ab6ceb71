import { useEffect, useState } from 'react';
import { DateTime } from 'luxon';
import type { DatabaseStatus } from '@cnpg-backups/plugin-cnpg-backups-common';
import type { RestoreTarget } from '../../lib/restoreLink';
import { toMillis } from '../../lib/time';

const LOCAL_INPUT_FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const time = DateTime.fromISO(iso);
  return time.isValid ? time.toLocal().toFormat(LOCAL_INPUT_FORMAT) : '';
}

/**
 * The restore dialog's choice: kind, backup and local time (reset from `initialTarget` each
 * time the dialog opens), the resulting target, and whether a chosen time is outside the
 * recovery window.
 */
export function useRestoreTarget(
  open: boolean,
  database: DatabaseStatus,
  initialTarget?: RestoreTarget,
) {
  const restorable = database.backups.filter(b => b.bucket?.restorable);
  const windowFrom = database.recoveryWindow.effective.from;
  const windowTo = database.recoveryWindow.effective.to;
  const [kind, setKind] = useState<RestoreTarget['kind']>('latest');
  const [backupId, setBackupId] = useState('');
  const [localTime, setLocalTime] = useState('');

  useEffect(() => {
    if (!open) return;
    setKind(initialTarget?.kind ?? 'latest');
    setBackupId(
      initialTarget?.kind === 'backup'
        ? initialTarget.backupId
        : restorable[restorable.length - 1]?.id ?? '',
    );
    setLocalTime(
      toLocalInput(
        initialTarget?.kind === 'time' ? initialTarget.targetTime : windowTo,
      ),
    );
    // Reset only when the dialog opens or its target changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, initialTarget]);

  const time = localTime ? DateTime.fromISO(localTime) : undefined;
  const timeIso = time?.isValid ? time.toUTC().toISO() ?? undefined : undefined;
  const timeMillis = toMillis(timeIso);
  const outsideWindow =
    kind === 'time' &&
    timeMillis !== undefined &&
    ((toMillis(windowFrom) !== undefined &&
      timeMillis < toMillis(windowFrom)!) ||
      (toMillis(windowTo) !== undefined && timeMillis > toMillis(windowTo)!));

  let target: RestoreTarget | undefined;
  if (kind === 'latest') {
    target = { kind: 'latest' };
  } else if (kind === 'backup' && backupId) {
    target = { kind: 'backup', backupId };
  } else if (kind === 'time' && timeIso) {
    target = { kind: 'time', targetTime: timeIso };
  }

  return {
    restorable,
    windowFrom,
    windowTo,
    kind,
    setKind,
    backupId,
    setBackupId,
    localTime,
    setLocalTime,
    timeIso,
    outsideWindow,
    target,
  };
}
