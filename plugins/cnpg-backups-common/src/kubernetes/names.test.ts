import { isDns1123Label, isDns1123Subdomain } from './names';

describe('Kubernetes name rules', () => {
  it.each(['a', 'db', 'orders-db', 'a1', '0', 'a'.repeat(63)])(
    'accepts the label %j',
    name => expect(isDns1123Label(name)).toBe(true),
  );
  it.each(['', 'A', '-a', 'a-', 'a_b', 'a.b', '..', 'a'.repeat(64)])(
    'rejects the label %j',
    name => expect(isDns1123Label(name)).toBe(false),
  );
  it.each(['a', 'orders-db', 'a.b.c', `${'a'.repeat(63)}.${'b'.repeat(63)}`])(
    'accepts the subdomain %j',
    name => expect(isDns1123Subdomain(name)).toBe(true),
  );
  it.each(['', '..', 'a..b', '.a', 'a.', 'A.b', 'a_b', 'a'.repeat(254)])(
    'rejects the subdomain %j',
    name => expect(isDns1123Subdomain(name)).toBe(false),
  );
});
