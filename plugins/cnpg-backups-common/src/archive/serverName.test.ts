import { assertServerName, isServerName } from './serverName';
import { InvalidRecoveryInputError } from '../recovery/errors';

describe('the serverName rule', () => {
  it.each(['orders', 'orders-db', 'orders_db.2', 'A1', 'x'.repeat(200)])(
    'accepts %j',
    name => {
      expect(isServerName(name)).toBe(true);
      expect(assertServerName(name)).toBe(name);
    },
  );

  it.each([
    '',
    'a/b',
    '..',
    'a..b',
    '.hidden',
    '-dash',
    'with space',
    'line\nbreak',
    'x'.repeat(201),
    42,
    undefined,
  ])('rejects %j with a named error naming the field', name => {
    expect(isServerName(name)).toBe(false);
    expect(() => assertServerName(name, 'targetServerName')).toThrow(
      InvalidRecoveryInputError,
    );
    expect(() => assertServerName(name, 'targetServerName')).toThrow(
      /targetServerName/,
    );
  });
});
