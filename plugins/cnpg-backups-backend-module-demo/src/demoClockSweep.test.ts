/*
 * The demo is clock-proof: at every half-hour of one UTC day, at the end of months (31-day, February, leap
 * February, year end) and just after the scheduled backups (02:00 and 03:00 UTC runs, the 2-hour retention
 * grace), every demo database shows the health and exactly the diagnoses of demoExpectations.ts (the same
 * expectations the browser suite checks). The demo data is built in memory and read by the real scanner and
 * status service (demoStatusesAt.ts), so each instant costs well under a second.
 */
import { DEMO_DATABASE_EXPECTATIONS } from './demoExpectations';
import { demoStatusesAt } from './__testUtils__/demoStatusesAt';

jest.setTimeout(240_000);

const MIN = 60_000;
const DAY_START = Date.parse('2026-12-04T00:00:00Z');
const HALF_HOURS = Array.from({ length: 48 }, (_, i) =>
  new Date(DAY_START + i * 30 * MIN).toISOString(),
);
const MONTH_ENDS = [
  '2026-01-31T23:55:00Z',
  '2026-02-28T23:55:00Z',
  '2028-02-29T23:55:00Z',
  '2027-01-01T00:01:00Z',
];
// Edges of the scenarios' own schedules: backups at 02:00 (payments, cnpg-main, immich), 03:00 (obot), the
// 10-minute "already taken" cut-off and the retention rule's 2-hour grace after 02:07.
const SCHEDULE_EDGES = [
  '02:09',
  '02:11',
  '03:09',
  '03:11',
  '04:06',
  '04:08',
].map(hm => `2026-12-04T${hm}:00Z`);

describe('the demo at any hour', () => {
  const started = Date.now();
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(
      `demo clock sweep: ${
        HALF_HOURS.length + MONTH_ENDS.length + SCHEDULE_EDGES.length
      } instants in ${Date.now() - started} ms`,
    );
  });

  it.each([...HALF_HOURS, ...MONTH_ENDS, ...SCHEDULE_EDGES])(
    'at %s every database shows its expected health and diagnoses',
    async iso => {
      const statuses = await demoStatusesAt(new Date(iso));
      const actual = statuses.map(({ entity, status }) => ({
        entity,
        health: status.health.level,
        diagnoses: [...new Set(status.diagnoses.map(d => d.id))].sort(),
        errors: status.errors.map(e => `${e.name}: ${e.message}`),
      }));
      const expected = DEMO_DATABASE_EXPECTATIONS.map(e => ({
        entity: e.entity,
        health: e.health,
        diagnoses: [...e.diagnoses].sort(),
        errors: [],
      }));
      expect(actual).toEqual(expected);
    },
  );
});
