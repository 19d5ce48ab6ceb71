import {
  backupsOlderThanRetentionRule,
  noRecentBackupRule,
  retentionNotSetRule,
} from './retentionRules';
import { archiveTarget, backup, catalog, context } from './testContext';

describe('noRecentBackupRule', () => {
  it('fires when the newest DONE backup is older than the retention window', () => {
    const [d] = noRecentBackupRule(
      context({
        catalog: catalog({
          backups: [backup('20250601T020000', '2025-06-01T02:00:10Z')],
        }),
      }),
    );
    expect(d).toMatchObject({ id: 'no-recent-backup', severity: 'error' });
    expect(d.message).toContain('20250601T020000');
    expect(d.message).toContain('7d');
  });
  it('fires when there is no DONE backup at all, listing the failed ones', () => {
    const [d] = noRecentBackupRule(
      context({
        catalog: catalog({
          backups: [
            backup('20250610T020000', '2025-06-10T02:00:10Z', {
              status: 'FAILED',
              error: 'failure uploading data',
            }),
          ],
        }),
      }),
    );
    expect(d.message).toMatch(/no DONE base backup/);
    expect(d.evidence.join('\n')).toContain('failure uploading data');
  });
  it('does not fire with a recent DONE backup or without a scan', () => {
    expect(noRecentBackupRule(context())).toEqual([]);
    expect(noRecentBackupRule(context({ catalog: undefined }))).toEqual([]);
  });
});

describe('backupsOlderThanRetentionRule', () => {
  const backups = [
    backup('20250520T020000', '2025-05-20T02:00:10Z'), // obsolete: 05-25 fell out on 06-01
    backup('20250525T020000', '2025-05-25T02:00:10Z'), // obsolete since 06-08 + ...: newer 06-02 ended > window? see below
    backup('20250602T020000', '2025-06-02T02:00:10Z'), // first older than PoR (06-03 12:00): still VALID
    backup('20250609T020000', '2025-06-09T02:00:10Z'),
  ];

  it('fires for DONE backups barman would call OBSOLETE, past a grace period', () => {
    const [d] = backupsOlderThanRetentionRule(
      context({ catalog: catalog({ backups }) }),
    );
    expect(d).toMatchObject({
      id: 'backups-older-than-retention',
      severity: 'warning',
    });
    expect(d.message).toMatch(/^2 base backup/);
    expect(d.evidence.join('\n')).toContain('20250525T020000');
    expect(d.evidence.join('\n')).not.toContain('20250602T020000');
  });

  it('ignores keep-annotated backups', () => {
    const kept = backups.map(b =>
      b.id < '20250601' ? { ...b, keep: 'full' as const } : b,
    );
    expect(
      backupsOlderThanRetentionRule(
        context({ catalog: catalog({ backups: kept }) }),
      ),
    ).toEqual([]);
  });

  it('does not fire while retention still has its grace period', () => {
    // 06-02's window ends 06-09 02:00:10 → 20250525 obsolete since then (10 h ago): fires;
    // but with the newer backup ending at 10:30, it only became obsolete 1.5 h ago.
    const recent = [
      backup('20250525T020000', '2025-05-25T02:00:10Z'),
      backup('20250603T103000', '2025-06-03T10:30:00Z'),
    ];
    expect(
      backupsOlderThanRetentionRule(
        context({ catalog: catalog({ backups: recent }) }),
      ),
    ).toEqual([]);
  });

  it('does not fire without a retention policy', () => {
    expect(
      backupsOlderThanRetentionRule(
        context({
          archive: archiveTarget({ retentionPolicy: undefined }),
          catalog: catalog({ backups }),
        }),
      ),
    ).toEqual([]);
  });
});

describe('retentionNotSetRule', () => {
  it('fires (info) without a retention policy', () => {
    const [d] = retentionNotSetRule(
      context({ archive: archiveTarget({ retentionPolicy: undefined }) }),
    );
    expect(d).toMatchObject({ id: 'retention-not-set', severity: 'info' });
    expect(d.fixSnippet).toContain('retentionPolicy: "30d"');
  });
  it('does not fire with one', () => {
    expect(retentionNotSetRule(context())).toEqual([]);
  });
});
