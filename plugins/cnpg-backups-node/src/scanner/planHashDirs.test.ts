import { planHashDirs, ScanState, HashDirState } from './BarmanArchiveScanner';
import { CompactObjectList } from './CompactObjectList';

function state(dirs: Record<string, boolean>): ScanState {
  const hashDirs = new Map<string, HashDirState>();
  for (const [dir, complete] of Object.entries(dirs)) {
    hashDirs.set(dir, { list: new CompactObjectList(`wals/${dir}/`), complete });
  }
  return {
    version: 1,
    destination: 's3://b/p',
    serverName: 's',
    scannedAt: '',
    hashDirs,
    backupIds: new Set(),
    backupInfos: new Map(),
    keepAnnotations: new Map(),
    historyFiles: new Map(),
    maxTimeline: 0,
  };
}

const actions = (steps: ReturnType<typeof planHashDirs>) =>
  Object.fromEntries(steps.map(s => [s.dir, s.action]));

describe('planHashDirs', () => {
  it('lists everything without a previous state', () => {
    expect(
      actions(planHashDirs({ listedDirs: ['0000000100000000', '0000000100000001'], backupsRemoved: false })),
    ).toEqual({ '0000000100000000': 'list', '0000000100000001': 'list' });
  });

  it('appends to the previous newest dir, lists new dirs, reuses the rest', () => {
    const previous = state({ '0000000100000000': true, '0000000100000001': true });
    expect(
      actions(
        planHashDirs({
          listedDirs: ['0000000100000000', '0000000100000001', '0000000100000002'],
          previous,
          backupsRemoved: false,
        }),
      ),
    ).toEqual({
      '0000000100000000': 'reuse',
      '0000000100000001': 'append',
      '0000000100000002': 'list',
    });
  });

  it('after a promotion appends to the old timeline once, then only to the new one', () => {
    const previous = state({ '0000000100000003': true, '0000000100000004': true });
    expect(
      actions(
        planHashDirs({
          listedDirs: ['0000000100000003', '0000000100000004', '0000000200000004'],
          previous,
          backupsRemoved: false,
        }),
      ),
    ).toEqual({
      '0000000100000003': 'reuse',
      '0000000100000004': 'append',
      '0000000200000004': 'list',
    });
    const next = state({ '0000000100000003': true, '0000000100000004': true, '0000000200000004': true });
    expect(
      actions(
        planHashDirs({
          listedDirs: ['0000000100000003', '0000000100000004', '0000000200000004'],
          previous: next,
          backupsRemoved: false,
        }),
      ),
    ).toEqual({
      '0000000100000003': 'reuse',
      '0000000100000004': 'reuse',
      '0000000200000004': 'append',
    });
  });

  it('relists incomplete dirs and, after retention, the oldest dir of each timeline; drops deleted dirs', () => {
    const previous = state({
      '0000000100000000': true,
      '0000000100000001': true,
      '0000000100000002': false,
      '0000000100000003': true,
    });
    expect(
      actions(
        planHashDirs({
          listedDirs: ['0000000100000001', '0000000100000002', '0000000100000003'],
          previous,
          backupsRemoved: true,
        }),
      ),
    ).toEqual({
      '0000000100000001': 'list',
      '0000000100000002': 'list',
      '0000000100000003': 'append',
    });
  });

  it('reuses the previous dirs when the top-level listing failed', () => {
    const previous = state({ '0000000100000000': true });
    expect(actions(planHashDirs({ listedDirs: undefined, previous, backupsRemoved: false }))).toEqual({
      '0000000100000000': 'reuse',
    });
    expect(planHashDirs({ listedDirs: undefined, backupsRemoved: false })).toEqual([]);
  });
});
