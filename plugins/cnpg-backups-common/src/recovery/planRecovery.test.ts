import {
  InvalidRecoveryTargetError,
  NoBaseBackupError,
  RecoveryPlanError,
  RecoveryTargetAfterWindowError,
  RecoveryTargetBeforeWindowError,
  RecoveryTargetInWalGapError,
  RecoveryTimeWithoutZoneError,
  ServerNameConflictError,
  UnsupportedSourceClusterError,
} from './errors';
import { planRecovery } from './planRecovery';
import {
  backup,
  catalogWithGap,
  statusFor,
} from './__fixtures__/recoveryFixtures';

const B1 = '20250601T020000';
const B2 = '20250602T020000';

describe('planRecovery', () => {
  it('plans a time target inside the second range from the newest backup ending before it', () => {
    const plan = planRecovery({
      status: statusFor(),
      target: { kind: 'time', targetTime: '2025-06-02T10:00:00+02:00' },
    });
    expect(plan.baseBackup.id).toBe(B2);
    expect(plan.target).toEqual({
      kind: 'time',
      targetTime: '2025-06-02T08:00:00Z',
      backupId: B2,
    });
    expect(plan.sourceServerName).toBe('orders-db');
    expect(plan.targetServerName).toBe('orders-db-v2');
    expect(plan.newClusterName).toBe('orders-db-restore');
    expect(plan.window).toEqual({
      from: '2025-06-01T02:00:10Z',
      to: '2025-06-02T12:00:00Z',
      lastRecoverableWal: '00000001000000000000000F',
    });
    expect(plan.warnings).toEqual([]);
  });

  it('uses the first backup for a time in the first range', () => {
    const plan = planRecovery({
      status: statusFor(),
      target: { kind: 'time', targetTime: '2025-06-01T12:00:00Z' },
    });
    expect(plan.baseBackup.id).toBe(B1);
  });

  it('accepts the exact end of a backup (end_time <= target)', () => {
    const plan = planRecovery({
      status: statusFor(),
      target: { kind: 'time', targetTime: '2025-06-02T02:00:10Z' },
    });
    expect(plan.baseBackup.id).toBe(B2);
  });

  it('refuses a time before the first recoverability point', () => {
    expect(() =>
      planRecovery({
        status: statusFor(),
        target: { kind: 'time', targetTime: '2025-06-01T02:00:09Z' },
      }),
    ).toThrow(RecoveryTargetBeforeWindowError);
  });

  it('refuses a time after the last recoverable point, naming the WAL', () => {
    const run = () =>
      planRecovery({
        status: statusFor(),
        target: { kind: 'time', targetTime: '2025-06-02T12:00:01Z' },
      });
    expect(run).toThrow(RecoveryTargetAfterWindowError);
    expect(run).toThrow(/00000001000000000000000F/);
  });

  it('refuses a time inside the WAL gap, naming the missing segments', () => {
    const run = () =>
      planRecovery({
        status: statusFor(),
        target: { kind: 'time', targetTime: '2025-06-01T20:00:00Z' },
      });
    expect(run).toThrow(RecoveryTargetInWalGapError);
    expect(run).toThrow(/000000010000000000000008…000000010000000000000009/);
  });

  it('refuses a pinned backup that cannot reach the target across the gap', () => {
    expect(() =>
      planRecovery({
        status: statusFor(),
        target: {
          kind: 'time',
          targetTime: '2025-06-02T08:00:00Z',
          backupId: B1,
        },
      }),
    ).toThrow(RecoveryTargetInWalGapError);
  });

  it('refuses a pinned backup that ended after the target', () => {
    expect(() =>
      planRecovery({
        status: statusFor(),
        target: {
          kind: 'time',
          targetTime: '2025-06-01T12:00:00Z',
          backupId: B2,
        },
      }),
    ).toThrow(/after targetTime/);
  });

  it('refuses zone-less times', () => {
    expect(() =>
      planRecovery({
        status: statusFor(),
        target: { kind: 'time', targetTime: '2025-06-01 12:00:00' },
      }),
    ).toThrow(RecoveryTimeWithoutZoneError);
  });

  describe('LSN targets', () => {
    it('plans an LSN after the second backup', () => {
      const plan = planRecovery({
        status: statusFor(),
        target: { kind: 'lsn', targetLSN: '0/C000000' },
      });
      expect(plan.baseBackup.id).toBe(B2);
    });

    it('steps back from a backup that ends after the LSN, then finds the gap', () => {
      // B2 begins before 0/A000100 but ends after it; B1 would need WAL across the 08..09 gap.
      const run = () =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'lsn', targetLSN: '0/A000100' },
        });
      expect(run).toThrow(RecoveryTargetInWalGapError);
      expect(run).toThrow(/20250601T020000/);
    });

    it('steps back with a warning when the older backup can reach it', () => {
      const catalog = catalogWithGap();
      catalog.wal.timelines[0].gaps = [];
      const plan = planRecovery({
        status: statusFor(catalog),
        target: { kind: 'lsn', targetLSN: '0/A000100' },
      });
      expect(plan.baseBackup.id).toBe(B1);
      expect(plan.warnings[0]).toMatch(
        /CNPG's automatic choice 20250602T020000 ends after/,
      );
    });

    it('refuses LSNs in the gap, before the first backup end and after the last WAL', () => {
      expect(() =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'lsn', targetLSN: '0/8800000' },
        }),
      ).toThrow(RecoveryTargetInWalGapError);
      expect(() =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'lsn', targetLSN: '0/2000100' },
        }),
      ).toThrow(RecoveryTargetBeforeWindowError);
      expect(() =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'lsn', targetLSN: '0/10000000' },
        }),
      ).toThrow(RecoveryTargetAfterWindowError);
      expect(
        planRecovery({
          status: statusFor(),
          target: { kind: 'lsn', targetLSN: '0/FFFFFFF' },
        }).baseBackup.id,
      ).toBe(B2);
    });
  });

  describe('other kinds', () => {
    it('latest uses the newest DONE backup and warns about gaps', () => {
      const plan = planRecovery({
        status: statusFor(),
        target: { kind: 'latest' },
      });
      expect(plan.target).toEqual({ kind: 'latest', backupId: B2 });
      expect(plan.warnings).toEqual([]);
      const pinned = planRecovery({
        status: statusFor(),
        target: { kind: 'latest', backupId: B1 },
      });
      expect(pinned.warnings.join()).toMatch(
        /after base backup 20250601T020000 has gaps \(000000010000000000000008/,
      );
    });

    it('backup restores the named backup only if DONE and restorable', () => {
      expect(
        planRecovery({
          status: statusFor(),
          target: { kind: 'backup', backupId: B1 },
        }).target,
      ).toEqual({
        kind: 'backup',
        backupId: B1,
      });
      expect(() =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'backup', backupId: '20250601T030000' },
        }),
      ).toThrow(/FAILED, not DONE/);
      expect(() =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'backup', backupId: '20990101T000000' },
        }),
      ).toThrow(NoBaseBackupError);
      const catalog = catalogWithGap();
      catalog.backups[2] = {
        ...catalog.backups[2],
        restorable: false,
        error: 'WAL 0A missing',
      };
      expect(() =>
        planRecovery({
          status: statusFor(catalog),
          target: { kind: 'backup', backupId: B2 },
        }),
      ).toThrow(/not restorable: WAL 0A missing/);
    });

    it('name and xid need a backup and warn that the point cannot be verified', () => {
      const plan = planRecovery({
        status: statusFor(),
        target: { kind: 'name', targetName: `barman_${B2}`, backupId: B2 },
      });
      expect(plan.warnings.join()).toMatch(/cannot show whether/);
      expect(() =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'xid', targetXID: '5' },
        }),
      ).toThrow(InvalidRecoveryTargetError);
    });
  });

  describe('serverNames', () => {
    it('skips lineage and taken names', () => {
      const status = statusFor();
      status.lineage.push({
        serverName: 'orders-db-v2',
        current: false,
        recoverySource: false,
      });
      const plan = planRecovery({
        status,
        target: { kind: 'latest' },
        takenServerNames: ['orders-db-v3'],
      });
      expect(plan.targetServerName).toBe('orders-db-v4');
    });

    it('refuses an explicit target serverName equal to the source or a recovery source', () => {
      const status = statusFor();
      status.recoverySources = [
        { name: 'origin', form: 'plugin', serverName: 'orders-db-old' },
      ];
      for (const name of ['orders-db', 'orders-db-old']) {
        expect(() =>
          planRecovery({
            status,
            target: { kind: 'latest' },
            targetServerName: name,
          }),
        ).toThrow(ServerNameConflictError);
      }
      expect(() =>
        planRecovery({
          status,
          target: { kind: 'latest' },
          targetServerName: 'x',
          takenServerNames: ['x'],
        }),
      ).toThrow(/already holds an archive/);
      expect(
        planRecovery({
          status,
          target: { kind: 'latest' },
          targetServerName: 'orders-db-new',
        }).targetServerName,
      ).toBe('orders-db-new');
    });
  });

  describe('status problems', () => {
    it('refuses without archive or catalog', () => {
      expect(() =>
        planRecovery({
          status: { ...statusFor(), archive: undefined },
          target: { kind: 'latest' },
        }),
      ).toThrow(UnsupportedSourceClusterError);
      expect(() =>
        planRecovery({
          status: { ...statusFor(), catalog: undefined },
          target: { kind: 'latest' },
        }),
      ).toThrow(RecoveryPlanError);
    });

    it('refuses an archive without DONE backups', () => {
      const catalog = catalogWithGap();
      catalog.backups = [backup('20250601T030000', { status: 'FAILED' })];
      expect(() =>
        planRecovery({
          status: statusFor(catalog),
          target: { kind: 'latest' },
        }),
      ).toThrow(NoBaseBackupError);
    });

    it('never chooses a DONE backup whose id is empty or not a barman id', () => {
      const catalog = catalogWithGap();
      const wellFormed = planRecovery({
        status: statusFor(catalog),
        target: { kind: 'latest' },
      });
      const second = catalog.backups.find(b => b.id === B2)!;
      // The malformed backups end last, so an id-blind planner would pick them for "latest".
      catalog.backups = [
        ...catalog.backups,
        { ...second, id: '', endTime: '2025-06-02T03:00:00Z' },
        { ...second, id: 'not-a-barman-id', endTime: '2025-06-02T03:30:00Z' },
      ];
      const plan = planRecovery({
        status: statusFor(catalog),
        target: { kind: 'latest' },
      });
      expect(plan.baseBackup.id).toBe(wellFormed.baseBackup.id);
      expect(plan.baseBackup.id).toMatch(/^\d{8}T\d{6}$/);
      for (const backupId of ['', 'not-a-barman-id']) {
        expect(() =>
          planRecovery({
            status: statusFor(catalog),
            target: { kind: 'backup', backupId },
          }),
        ).toThrow(RecoveryPlanError);
      }
      catalog.backups = [{ ...second, id: '' }];
      expect(() =>
        planRecovery({
          status: statusFor(catalog),
          target: { kind: 'latest' },
        }),
      ).toThrow(NoBaseBackupError);
    });

    it('warns on an incomplete scan and on reusing the source name', () => {
      const catalog = catalogWithGap();
      catalog.scan = {
        ...catalog.scan,
        complete: false,
        errors: [{ name: 'AccessDenied', message: 'x' }],
      };
      const plan = planRecovery({
        status: statusFor(catalog),
        target: { kind: 'backup', backupId: B1 },
        newClusterName: 'orders-db',
      });
      expect(plan.warnings.join('\n')).toMatch(/incomplete \(AccessDenied\)/);
      expect(plan.warnings.join('\n')).toMatch(/source's name/);
    });

    it('shortens the default name to 50 characters', () => {
      const status = statusFor();
      status.cluster = { ...status.cluster, name: `a${'-b'.repeat(24)}c` };
      const plan = planRecovery({ status, target: { kind: 'latest' } });
      expect(plan.newClusterName.length).toBeLessThanOrEqual(50);
      expect(plan.newClusterName).toMatch(/^a(-b)+-restore$/);
    });

    it('refuses hostile new names', () => {
      expect(() =>
        planRecovery({
          status: statusFor(),
          target: { kind: 'latest' },
          newClusterName: 'x\nkind: Secret',
        }),
      ).toThrow(/DNS-1035/);
    });
  });
});
