import { assertServerName, InvalidDestinationError } from './destination';

// parseDestination's own tests live with its home: -common src/archive/destination.test.ts.
describe('assertServerName', () => {
  it('accepts a folder name', () => {
    expect(() => assertServerName('s3://b/p', 'orders-db')).not.toThrow();
  });
  it.each(['', '  ', 'a/b', '..', 'a..b', 'with space', '-x', 'x'.repeat(201)])(
    'rejects %j',
    name => {
      expect(() => assertServerName('s3://b/p', name)).toThrow(
        InvalidDestinationError,
      );
    },
  );
});
