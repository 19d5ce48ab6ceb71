import { mockServices } from '@backstage/backend-test-utils';
import { InvalidDemoNowError, offsetClock, parseDemoNow } from './clock';
import { attachDemoEnvironment } from './module';

/** Extension points that record what the demo registers. */
function recordingPoints() {
  const calls: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push(`${name}(${JSON.stringify(args[0]) ?? 'fn'})`);
  return {
    calls,
    kubernetes: {
      addCluster: record('addCluster'),
      addClient: record('addClient'),
      setClientFactory: record('setClientFactory'),
    },
    archive: {
      addEndpoint: record('addEndpoint'),
      setArchiveReaderFactory: record('setArchiveReaderFactory'),
    },
    clock: { setClock: record('setClock') },
  };
}

describe('parseDemoNow (CNPG_DEMO_NOW)', () => {
  it('reads ISO-8601 instants with a zone', () => {
    expect(parseDemoNow('2026-12-04T23:55:00Z')?.toISOString()).toBe(
      '2026-12-04T23:55:00.000Z',
    );
    expect(parseDemoNow('2026-12-04T23:55Z')?.toISOString()).toBe(
      '2026-12-04T23:55:00.000Z',
    );
    expect(parseDemoNow('2026-12-05T00:55:00.250+01:00')?.toISOString()).toBe(
      '2026-12-04T23:55:00.250Z',
    );
    expect(parseDemoNow(' 2028-02-29T12:00:00Z ')?.toISOString()).toBe(
      '2028-02-29T12:00:00.000Z',
    );
  });

  it('treats unset or empty as "the real now"', () => {
    expect(parseDemoNow(undefined)).toBeUndefined();
    expect(parseDemoNow('')).toBeUndefined();
  });

  it.each([
    'now',
    'yesterday 10:00',
    '2026-12-04',
    '2026-12-04T23:55:00', // no zone: machine-local time, exactly what must not leak in
    '2026-12-04 23:55:00Z',
    '2026-02-30T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-12-04T24:00:00Z',
    '2026-12-04T23:60:00Z',
    '2026-12-04T10:00:00+25:00',
    '1733356500',
    `2026-12-04T23:55:00Z${'x'.repeat(100)}`,
  ])('rejects %j with a named error that quotes the value', value => {
    let error: unknown;
    try {
      parseDemoNow(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDemoNowError);
    expect((error as Error).name).toBe('InvalidDemoNowError');
    expect((error as Error).message).toContain(
      `CNPG_DEMO_NOW="${value.slice(0, 64)}`,
    );
  });
});

describe('offsetClock', () => {
  it('starts at the pinned instant and advances with the wall clock', () => {
    let wall = 1_000_000;
    const clock = offsetClock(new Date('2026-12-04T23:55:00Z'), () => wall);
    expect(clock().toISOString()).toBe('2026-12-04T23:55:00.000Z');
    wall += 10 * 60_000;
    expect(clock().toISOString()).toBe('2026-12-05T00:05:00.000Z');
  });

  it('is the wall clock when nothing is pinned', () => {
    const clock = offsetClock(undefined, () => Date.UTC(2030, 0, 1));
    expect(clock().toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });
});

describe('attachDemoEnvironment', () => {
  it('refuses an invalid CNPG_DEMO_NOW at startup, naming the value, before starting anything', async () => {
    const points = recordingPoints();
    await expect(
      attachDemoEnvironment({
        config: mockServices.rootConfig({
          data: { cnpgBackups: { demo: { enabled: true } } },
        }),
        logger: mockServices.logger.mock(),
        lifecycle: mockServices.lifecycle.mock(),
        ...points,
        env: { CNPG_DEMO_NOW: '2026-12-04 25:00' },
      }),
    ).rejects.toThrow(
      'CNPG_DEMO_NOW="2026-12-04 25:00" is not an ISO-8601 instant',
    );
    expect(points.calls).toEqual([]);
  });

  it('does nothing (and reads no CNPG_DEMO_NOW) when the demo is off', async () => {
    const points = recordingPoints();
    await expect(
      attachDemoEnvironment({
        config: mockServices.rootConfig({ data: {} }),
        logger: mockServices.logger.mock(),
        lifecycle: mockServices.lifecycle.mock(),
        ...points,
        env: { CNPG_DEMO_NOW: 'garbage' },
      }),
    ).resolves.toBeUndefined();
    expect(points.calls).toEqual([]);
  });
});
