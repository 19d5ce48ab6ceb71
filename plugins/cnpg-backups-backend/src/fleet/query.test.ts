import type { FleetRow } from '@cnpg-backups/plugin-cnpg-backups-common';
import { applyFleetQuery, parseFleetQuery } from './query';
import { snap } from './__testUtils__/snapshots';

const T = '2026-03-01T12:00:00.000Z';
const row = (over: Partial<FleetRow> & { cluster: string }): FleetRow => ({
  ...snap({ takenAt: T, ...over }),
  diagnosisFirstSeen: {},
  ...over,
});

const rows: FleetRow[] = [
  row({
    cluster: 'ok-small',
    health: 'ok',
    exposureSeconds: 30,
    owner: 'group:default/a',
    provider: 'aws',
  }),
  row({
    cluster: 'warn-big',
    health: 'warning',
    exposureSeconds: 9000,
    owner: 'group:default/b',
    provider: 'r2',
  }),
  row({
    cluster: 'err-small',
    health: 'error',
    exposureSeconds: 10,
    owner: 'group:default/a',
    system: 'system:default/shop',
    provider: 'aws',
    diagnoses: [{ id: 'wal-gap', severity: 'error', title: 'gap' }],
  }),
  row({
    cluster: 'err-none',
    health: 'error',
    owner: 'group:default/b',
    provider: 'hetzner',
  }),
  row({
    cluster: 'err-big',
    health: 'error',
    exposureSeconds: 5000,
    entityRef: 'component:default/x',
    provider: 'aws',
  }),
  row({ cluster: 'unknown', health: 'unknown', exposureSeconds: 100000 }),
  row({
    cluster: 'warn-small',
    health: 'warning',
    exposureSeconds: 1,
    system: 'system:default/shop',
  }),
];
const names = (r: FleetRow[]) => r.map(x => x.cluster);

describe('parseFleetQuery', () => {
  it('has defaults: risk sort, first 25', () => {
    expect(parseFleetQuery({})).toEqual({
      offset: 0,
      limit: 25,
      sort: 'risk',
      descending: false,
    });
  });

  it('reads lists (comma-separated or repeated), descending sort and owned', () => {
    expect(
      parseFleetQuery({
        owner: ['group:default/a', 'group:default/b,group:default/c'],
        health: 'error,warning',
        sort: '-walGaps',
        owned: 'false',
        offset: '50',
        limit: '10',
      }),
    ).toEqual({
      offset: 50,
      limit: 10,
      sort: 'walGaps',
      descending: true,
      owner: ['group:default/a', 'group:default/b', 'group:default/c'],
      health: ['error', 'warning'],
      owned: false,
    });
  });

  it.each([
    [{ limit: '0' }, /"limit" must be an integer from 1 to 500, got 0/],
    [{ limit: '501' }, /"limit" must be an integer from 1 to 500, got 501/],
    [
      { offset: '-1' },
      /"offset" must be an integer from 0 to 1000000, got "-1"/,
    ],
    [{ offset: '1e3' }, /"offset" must be an integer/],
    [{ limit: ['1', '2'] }, /"limit" must be given once/],
    [
      { sort: 'password' },
      /"sort" must be one of risk, database.*got "password"/,
    ],
    [
      { health: 'bad' },
      /"health" values must be error, warning, unknown, ok, got "bad"/,
    ],
    [{ owned: 'yes' }, /"owned" must be true or false, got "yes"/],
    [{ search: 'x'.repeat(257) }, /"search" is longer than 256 characters/],
    [
      { owner: { $gt: '' } },
      /"owner" must be a string or a comma-separated list/,
    ],
    [
      { provider: Array.from({ length: 51 }, (_, i) => `p${i}`).join(',') },
      /"provider" has more than 50 values/,
    ],
    [{ drop: 'table' }, /unknown parameter "drop"/],
  ])('rejects %j with a named error', (query, message) => {
    expect(() => parseFleetQuery(query as any)).toThrow(message);
  });
});

describe('applyFleetQuery', () => {
  it('sorts by risk: error > warning > unknown > ok, then exposure descending (no recovery point first)', () => {
    const page = applyFleetQuery(rows, parseFleetQuery({}));
    expect(names(page.items)).toEqual([
      'err-none',
      'err-big',
      'err-small',
      'warn-big',
      'warn-small',
      'unknown',
      'ok-small',
    ]);
    expect(page.totalCount).toBe(7);
    expect(page.countsByHealth).toEqual({
      error: 3,
      warning: 2,
      unknown: 1,
      ok: 1,
    });
  });

  it('sorts -risk in reverse and by any column, absent values last, ties by risk', () => {
    expect(
      names(applyFleetQuery(rows, parseFleetQuery({ sort: '-risk' })).items)[0],
    ).toBe('ok-small');
    expect(
      names(applyFleetQuery(rows, parseFleetQuery({ sort: 'exposure' })).items),
    ).toEqual([
      'warn-small',
      'err-small',
      'ok-small',
      'err-big',
      'warn-big',
      'unknown',
      'err-none',
    ]);
    expect(
      names(
        applyFleetQuery(rows, parseFleetQuery({ sort: 'owner' })).items,
      ).slice(0, 4),
    ).toEqual(['err-small', 'ok-small', 'err-none', 'warn-big']);
  });

  it('filters by owner, system, provider, diagnosis, owned and search; counts ignore only the health filter', () => {
    const q = (query: Record<string, string>) =>
      applyFleetQuery(rows, parseFleetQuery(query));
    expect(names(q({ owner: 'group:default/a' }).items)).toEqual([
      'err-small',
      'ok-small',
    ]);
    expect(names(q({ system: 'system:default/shop' }).items)).toEqual([
      'err-small',
      'warn-small',
    ]);
    expect(names(q({ provider: 'aws,r2' }).items)).toEqual([
      'err-big',
      'err-small',
      'warn-big',
      'ok-small',
    ]);
    expect(names(q({ diagnosis: 'wal-gap' }).items)).toEqual(['err-small']);
    expect(names(q({ owned: 'true' }).items)).toEqual(['err-big']);
    expect(q({ owned: 'false' }).totalCount).toBe(6);
    expect(names(q({ search: 'WARN' }).items)).toEqual([
      'warn-big',
      'warn-small',
    ]);
    const byHealth = q({ provider: 'aws', health: 'error' });
    expect(names(byHealth.items)).toEqual(['err-big', 'err-small']);
    expect(byHealth.totalCount).toBe(2);
    expect(byHealth.countsByHealth).toEqual({
      error: 2,
      warning: 0,
      unknown: 0,
      ok: 1,
    });
  });

  it('pages after sorting', () => {
    const page = applyFleetQuery(
      rows,
      parseFleetQuery({ offset: '2', limit: '3' }),
      T,
    );
    expect(names(page.items)).toEqual(['err-small', 'warn-big', 'warn-small']);
    expect(page.totalCount).toBe(7);
    expect(page.refreshedAt).toBe(T);
    expect(
      applyFleetQuery(rows, parseFleetQuery({ offset: '100' })).items,
    ).toEqual([]);
  });
});
