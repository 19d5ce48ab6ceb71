import {
  backupIdTime,
  doneBackups,
  isUsableBaseBackup,
  newestDoneBackup,
  oldestDoneBackup,
} from './backups';
import type { CatalogBackup } from './types';

const backup = (
  id: string,
  endTime?: string,
  status: CatalogBackup['status'] = 'DONE',
): CatalogBackup =>
  ({
    id,
    status,
    beginTime: endTime,
    endTime,
    storedBytes: 1,
    objectCount: 1,
    walSegmentSize: 16777216,
    restorable: status === 'DONE',
  } as CatalogBackup);

describe('catalog backups', () => {
  it('orders DONE backups by the instant they ended, not by the text', () => {
    // Same instant order differs from string order when offsets differ.
    const a = backup('20250610T010000', '2025-06-10T03:00:00+02:00'); // 01:00Z
    const b = backup('20250610T013000', '2025-06-10T01:30:00Z');
    const failed = backup('20250610T020000', '2025-06-10T02:00:00Z', 'FAILED');
    const noEnd = backup('20250610T030000', undefined);
    expect(doneBackups([a, b, failed, noEnd]).map(x => x.id)).toEqual([
      '20250610T013000',
      '20250610T010000',
    ]);
    expect(newestDoneBackup([a, b])?.id).toBe('20250610T013000');
    expect(oldestDoneBackup([a, b])?.id).toBe('20250610T010000');
    expect(newestDoneBackup(undefined)).toBeUndefined();
  });

  it('reads the time of a barman backup id and only usable backups start a recovery', () => {
    expect(backupIdTime('20250610T020304')).toBe('2025-06-10T02:03:04Z');
    expect(backupIdTime('backup-1')).toBeUndefined();
    expect(
      isUsableBaseBackup(backup('20250610T020304', '2025-06-10T03:00:00Z')),
    ).toBe(true);
    expect(isUsableBaseBackup(backup('', '2025-06-10T03:00:00Z'))).toBe(false);
    expect(isUsableBaseBackup(backup('20250610T020304', undefined))).toBe(
      false,
    );
    expect(
      isUsableBaseBackup(
        backup('20250610T020304', '2025-06-10T03:00:00Z', 'FAILED'),
      ),
    ).toBe(false);
  });
});
