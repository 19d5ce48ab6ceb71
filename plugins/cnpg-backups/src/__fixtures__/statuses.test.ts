import {
  entityResponse,
  FIXTURE_NOW,
  hoursAgo,
  paymentsStatus,
} from './statuses';

describe('status fixtures', () => {
  it('are built around a fixed instant, not the wall clock', () => {
    expect(new Date(FIXTURE_NOW).toISOString()).toBe(
      '2026-12-04T23:55:00.000Z',
    );
    expect(hoursAgo(24)).toBe('2026-12-03T23:55:00.000Z');
    expect(entityResponse([paymentsStatus]).generatedAt).toBe(
      '2026-12-04T23:55:00.000Z',
    );
  });
});
