import {
  InvalidRecoveryTargetError,
  RecoveryTimeWithoutZoneError,
} from './errors';
import { toCnpgRecoveryTarget, validateRecoveryTarget } from './target';

describe('validateRecoveryTarget', () => {
  it('maps every kind to CNPG fields', () => {
    const cases = [
      [{ kind: 'latest' }, undefined],
      [
        { kind: 'latest', backupId: '20250601T020000' },
        { backupID: '20250601T020000' },
      ],
      [
        { kind: 'time', targetTime: '2025-06-01T11:00:00+02:00' },
        { targetTime: '2025-06-01T09:00:00Z' },
      ],
      [
        { kind: 'lsn', targetLSN: '0/3000060', exclusive: true },
        { targetLSN: '0/3000060', exclusive: true },
      ],
      [
        { kind: 'backup', backupId: '20250601T020000' },
        { backupID: '20250601T020000', targetImmediate: true },
      ],
      [
        {
          kind: 'name',
          targetName: 'before_migration',
          backupId: '20250601T020000',
        },
        { backupID: '20250601T020000', targetName: 'before_migration' },
      ],
      [
        { kind: 'xid', targetXID: '1234', backupId: '20250601T020000' },
        { backupID: '20250601T020000', targetXID: '1234' },
      ],
    ] as const;
    for (const [request, expected] of cases) {
      expect(
        toCnpgRecoveryTarget(validateRecoveryTarget(request as any)),
      ).toEqual(expected);
    }
  });

  it.each([
    [{ kind: 'name', targetName: 'x' }, /backupId is required/],
    [{ kind: 'xid', targetXID: '1' }, /backupId is required/],
    [{ kind: 'backup' }, /backupId is required/],
    [{ kind: 'time' }, /targetTime is required/],
    [{ kind: 'lsn' }, /targetLSN is required/],
    [
      { kind: 'time', targetTime: '2025-06-01T09:00:00Z', backupId: 'latest' },
      /not a Barman backup id/,
    ],
    [{ kind: 'restore' }, /Unknown target kind/],
  ])('refuses %j', (request, message) => {
    expect(() => validateRecoveryTarget(request as any)).toThrow(
      InvalidRecoveryTargetError,
    );
    expect(() => validateRecoveryTarget(request as any)).toThrow(message);
  });

  it('refuses zone-less times', () => {
    expect(() =>
      validateRecoveryTarget({
        kind: 'time',
        targetTime: '2025-06-01 09:00:00',
      }),
    ).toThrow(RecoveryTimeWithoutZoneError);
  });
});
