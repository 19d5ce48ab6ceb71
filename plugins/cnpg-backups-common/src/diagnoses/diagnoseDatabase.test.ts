import { diagnoseDatabase } from './diagnoseDatabase';
import { archiveTarget, catalog, context } from './testContext';

describe('diagnoseDatabase', () => {
  it('finds nothing on a healthy database', () => {
    expect(diagnoseDatabase(context())).toEqual([]);
  });

  it('merges bucket diagnoses and sorts by severity then id', () => {
    const result = diagnoseDatabase(
      context({
        archive: archiveTarget({ retentionPolicy: undefined }),
        schedules: [],
        catalog: catalog({
          diagnoses: [
            {
              id: 'wal-gap',
              severity: 'error',
              message: 'gap',
              evidence: [],
              fix: 'x',
            },
          ],
        }),
      }),
    );
    expect(result.map(d => `${d.severity}:${d.id}`)).toEqual([
      'error:wal-gap',
      'warning:no-scheduled-backup',
      'info:retention-not-set',
    ]);
    expect(result[0].subject).toBe('db/orders');
  });
});
