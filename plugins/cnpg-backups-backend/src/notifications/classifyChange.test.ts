import type {
  FleetDiagnosis,
  FleetHealthLevel,
} from '@cnpg-backups/plugin-cnpg-backups-common';
import { classifySnapshotChange } from './classifyChange';

const LEVELS: FleetHealthLevel[] = ['ok', 'warning', 'error', 'unknown'];
const d = (id: string, severity: FleetDiagnosis['severity']) => ({
  id,
  severity,
  title: id,
});
const snap = (health: FleetHealthLevel, diagnoses: FleetDiagnosis[] = []) => ({
  health,
  diagnoses,
});

/** The expected kind for every (previous, current) level pair with unchanged diagnoses. */
const EXPECTED: Record<string, string | undefined> = {
  'none>ok': undefined,
  'none>warning': 'worsened',
  'none>error': 'worsened',
  'none>unknown': undefined,
  'ok>ok': undefined,
  'ok>warning': 'worsened',
  'ok>error': 'worsened',
  'ok>unknown': undefined,
  'warning>ok': 'recovered',
  'warning>warning': undefined,
  'warning>error': 'worsened',
  'warning>unknown': undefined,
  'error>ok': 'recovered',
  'error>warning': undefined,
  'error>error': undefined,
  'error>unknown': undefined,
  'unknown>ok': undefined,
  'unknown>warning': 'worsened',
  'unknown>error': 'worsened',
  'unknown>unknown': undefined,
};

describe('classifySnapshotChange', () => {
  it('covers every level pair exactly as the table says', () => {
    const seen: string[] = [];
    for (const from of [undefined, ...LEVELS]) {
      for (const to of LEVELS) {
        const key = `${from ?? 'none'}>${to}`;
        seen.push(key);
        const change = classifySnapshotChange(
          from ? snap(from) : undefined,
          snap(to),
        );
        const kind = EXPECTED[key];
        expect({ key, change }).toEqual({
          key,
          change: kind
            ? { kind, from: from ?? 'ok', to, newDiagnoses: [] }
            : undefined,
        });
      }
    }
    expect(seen.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('reports a new error diagnosis at an unchanged error level', () => {
    const change = classifySnapshotChange(
      snap('error', [d('wal-gap', 'error')]),
      snap('error', [d('wal-gap', 'error'), d('archiving-failing', 'error')]),
    );
    expect(change).toEqual({
      kind: 'new-error-diagnosis',
      from: 'error',
      to: 'error',
      newDiagnoses: [d('archiving-failing', 'error')],
    });
  });

  it('does not report the same error diagnoses twice (one notification per change)', () => {
    const prev = snap('error', [d('wal-gap', 'error'), d('stale', 'warning')]);
    expect(
      classifySnapshotChange(prev, snap('error', [d('wal-gap', 'error')])),
    ).toBeUndefined();
    expect(classifySnapshotChange(prev, prev)).toBeUndefined();
  });

  it('ignores new info and warning diagnoses at an unchanged level', () => {
    expect(
      classifySnapshotChange(
        snap('warning', [d('a', 'warning')]),
        snap('warning', [d('a', 'warning'), d('b', 'warning'), d('c', 'info')]),
      ),
    ).toBeUndefined();
  });

  it('reports a new error diagnosis even while the level improves (error → warning is not recovered)', () => {
    expect(
      classifySnapshotChange(
        snap('error', [d('a', 'error')]),
        snap('warning', [d('b', 'error')]),
      )?.kind,
    ).toBe('new-error-diagnosis');
  });

  it('lists the new non-info diagnoses of a worsening, most severe first as given', () => {
    const change = classifySnapshotChange(
      snap('ok', [d('old', 'warning')]),
      snap('error', [d('new-e', 'error'), d('old', 'warning'), d('n', 'info')]),
    );
    expect(change?.kind).toBe('worsened');
    expect(change?.newDiagnoses.map(x => x.id)).toEqual(['new-e']);
  });

  it('is pure: same inputs, same answer, inputs untouched', () => {
    const prev = Object.freeze(snap('ok', Object.freeze([]) as never));
    const cur = Object.freeze(
      snap('error', Object.freeze([d('x', 'error')]) as never),
    );
    expect(classifySnapshotChange(prev, cur)).toEqual(
      classifySnapshotChange(prev, cur),
    );
  });
});
