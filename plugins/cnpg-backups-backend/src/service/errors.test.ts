import * as common from '@cnpg-backups/plugin-cnpg-backups-common';
import { uniqueErrors } from './errors';

describe('service errors', () => {
  it('deduplicates errors with -common uniqueErrors, not a copy of it', () => {
    expect(uniqueErrors).toBe(common.uniqueErrors);
    const e = { source: 's3' as const, name: 'AccessDenied', message: 'no' };
    expect(uniqueErrors([e, { ...e }, { ...e, target: 'x' }])).toEqual([
      e,
      { ...e, target: 'x' },
    ]);
  });
});
