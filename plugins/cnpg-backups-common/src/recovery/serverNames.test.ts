import { ServerNameConflictError, InvalidRecoveryInputError } from './errors';
import {
  chooseNextServerName,
  nextServerNameGeneration,
  parseServerNameGeneration,
} from './serverNames';

describe('serverName generations', () => {
  it.each([
    ['app', 'app-v2'],
    ['app-v1', 'app-v2'],
    ['app-v9', 'app-v10'],
    ['immich-database-v1', 'immich-database-v2'],
    ['postgres-cluster-recovered', 'postgres-cluster-recovered-v2'],
    ['orders-db-v2', 'orders-db-v3'],
    ['db-v', 'db-v-v2'],
    ['app_v1', 'app_v1-v2'],
  ])('%s → %s', (from, to) => {
    expect(nextServerNameGeneration(from)).toBe(to);
  });

  it('parses generations', () => {
    expect(parseServerNameGeneration('app-v12')).toEqual({
      stem: 'app',
      generation: 12,
    });
    expect(parseServerNameGeneration('app')).toEqual({
      stem: 'app',
      generation: 1,
    });
  });

  it('refuses unsafe names', () => {
    expect(() => nextServerNameGeneration('../x')).toThrow(
      InvalidRecoveryInputError,
    );
  });

  it('skips taken names', () => {
    expect(
      chooseNextServerName({ sourceServerName: 'app-v1', taken: [] }),
    ).toBe('app-v2');
    expect(
      chooseNextServerName({
        sourceServerName: 'app-v1',
        taken: ['app-v2', 'app-v3'],
      }),
    ).toBe('app-v4');
    expect(
      chooseNextServerName({ sourceServerName: 'app', taken: ['app-v2'] }),
    ).toBe('app-v3');
  });

  it('gives up with a named error', () => {
    const taken = Array.from({ length: 5 }, (_, i) => `app-v${i + 2}`);
    expect(() =>
      chooseNextServerName({ sourceServerName: 'app', taken, maxAttempts: 5 }),
    ).toThrow(ServerNameConflictError);
  });
});
