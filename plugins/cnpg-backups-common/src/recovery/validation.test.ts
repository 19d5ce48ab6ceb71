import {
  InvalidRecoveryInputError,
  InvalidRecoveryTargetError,
  RecoveryTimeWithoutZoneError,
} from './errors';
import {
  assertClusterName,
  assertNamespace,
  assertServerName,
  assertTargetName,
  assertTargetXid,
  normalizeTargetLsn,
  parseTargetTime,
  toPostgresRecoveryTargetTime,
} from './validation';

describe('names', () => {
  it('accepts CNPG cluster names up to 50 characters', () => {
    expect(assertClusterName('orders-db-restore')).toBe('orders-db-restore');
    expect(assertClusterName('a'.repeat(50))).toHaveLength(50);
  });

  it.each([
    ['a'.repeat(51), /at most 50/],
    ['Orders', /DNS-1035/],
    ['1db', /DNS-1035/],
    ['db-', /DNS-1035/],
    ['db.x', /DNS-1035/],
    ['db\nkind: Secret', /DNS-1035/],
    ['db: x', /DNS-1035/],
    ['db #x', /DNS-1035/],
    ['', /non-empty/],
  ])('refuses cluster name %j', (name, message) => {
    expect(() => assertClusterName(name, 'newClusterName')).toThrow(message);
    expect(() => assertClusterName(name, 'newClusterName')).toThrow(
      InvalidRecoveryInputError,
    );
  });

  it('names the field at fault', () => {
    const error = (() => {
      try {
        assertClusterName('X', 'newClusterName');
      } catch (e) {
        return e as InvalidRecoveryInputError;
      }
      return undefined;
    })();
    expect(error?.name).toBe('InvalidRecoveryInputError');
    expect(error?.field).toBe('newClusterName');
  });

  it('checks namespaces', () => {
    expect(assertNamespace('cloudnative-pg')).toBe('cloudnative-pg');
    expect(() => assertNamespace('a/b')).toThrow(InvalidRecoveryInputError);
  });

  it.each(['app', 'immich-database-v1', 'orders_db.v2', 'A1'])(
    'accepts serverName %j',
    name => {
      expect(assertServerName(name)).toBe(name);
    },
  );

  it.each([
    '../app',
    'a/b',
    'a..b',
    'a b',
    '.hidden',
    'a\nb',
    'a: b',
    'a#b',
    '',
  ])('refuses serverName %j', name => {
    expect(() => assertServerName(name)).toThrow(InvalidRecoveryInputError);
  });
});

describe('parseTargetTime', () => {
  it.each([
    ['2025-06-01T09:15:00Z', '2025-06-01T09:15:00Z'],
    ['2025-06-01T11:15:00+02:00', '2025-06-01T09:15:00Z'],
    ['2025-06-01 04:15:00-05', '2025-06-01T09:15:00Z'],
    ['2025-06-01 09:15:00.123456+0000', '2025-06-01T09:15:00.123456Z'],
    ['2025-06-01T09:15:00.500Z', '2025-06-01T09:15:00.5Z'],
    ['2025-06-01T00:30:00+01:00', '2025-05-31T23:30:00Z'],
  ])('normalises %j to %j', (input, expected) => {
    expect(parseTargetTime(input).rfc3339).toBe(expected);
  });

  it('computes the instant', () => {
    expect(parseTargetTime('2025-06-01T11:15:00.25+02:00').epochMs).toBe(
      Date.parse('2025-06-01T09:15:00.250Z'),
    );
  });

  it.each([
    '2025-06-01T09:15:00',
    '2025-06-01 09:15:00',
    '2025-06-01 09:15:00.5',
  ])('refuses the zone-less %j with a named error', input => {
    expect(() => parseTargetTime(input)).toThrow(RecoveryTimeWithoutZoneError);
    expect(() => parseTargetTime(input)).toThrow(/no time zone/);
  });

  it.each([
    'yesterday',
    '2025-02-30T00:00:00Z',
    '2025-06-01T25:00:00Z',
    '2025-06-01T09:15:00+25:00',
    '2025-06-01T09:15:00Z\nkind: Secret',
    '1717233300',
  ])('refuses %j', input => {
    expect(() => parseTargetTime(input)).toThrow(InvalidRecoveryTargetError);
  });
});

describe('LSN, XID, restore point', () => {
  it('normalises LSNs', () => {
    expect(normalizeTargetLsn('0/3000060')).toBe('0/3000060');
    expect(normalizeTargetLsn('00000001/0000abcd')).toBe('1/ABCD');
  });

  it.each(['3000060', '0/', 'x/1', '0/123456789', '0/1\n'])(
    'refuses LSN %j',
    lsn => {
      expect(() => normalizeTargetLsn(lsn)).toThrow(InvalidRecoveryTargetError);
    },
  );

  it('checks XIDs as 32-bit', () => {
    expect(assertTargetXid('4294967295')).toBe('4294967295');
    expect(assertTargetXid('007')).toBe('7');
    expect(() => assertTargetXid('4294967296')).toThrow(
      InvalidRecoveryTargetError,
    );
    expect(() => assertTargetXid('-1')).toThrow(InvalidRecoveryTargetError);
  });

  it('checks restore point names', () => {
    expect(assertTargetName('barman_20250601T020002')).toBe(
      'barman_20250601T020002',
    );
    expect(() => assertTargetName('a'.repeat(64))).toThrow(
      InvalidRecoveryTargetError,
    );
    expect(() => assertTargetName('before: migration')).toThrow(
      InvalidRecoveryTargetError,
    );
    expect(() => assertTargetName('x\ny')).toThrow(InvalidRecoveryTargetError);
  });
});

describe('toPostgresRecoveryTargetTime', () => {
  it.each([
    ['2025-06-01T09:15:00Z', '2025-06-01 09:15:00+00:00'],
    ['2025-06-01T11:15:00.123456+02:00', '2025-06-01 09:15:00.123456+00:00'],
  ])('%s → %s', (input, expected) => {
    expect(toPostgresRecoveryTargetTime(input)).toBe(expected);
  });

  it('refuses zone-less input', () => {
    expect(() => toPostgresRecoveryTargetTime('2025-06-01 09:15:00')).toThrow(
      RecoveryTimeWithoutZoneError,
    );
  });
});
