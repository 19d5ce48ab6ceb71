import * as common from '@cnpg-backups/plugin-cnpg-backups-common';
import { S3AccessError } from '@cnpg-backups/plugin-cnpg-backups-node';
import { toSourceError, uniqueErrors } from './errors';

describe('service errors', () => {
  it('deduplicates errors with -common uniqueErrors, not a copy of it', () => {
    expect(uniqueErrors).toBe(common.uniqueErrors);
    const e = { source: 's3' as const, name: 'AccessDenied', message: 'no' };
    expect(uniqueErrors([e, { ...e }, { ...e, target: 'x' }])).toEqual([
      e,
      { ...e, target: 'x' },
    ]);
  });

  it.each(['S3PaginationStuck', 'S3CredentialsMissing', 'NoSuchKey'] as const)(
    'classifies every S3 error name as an s3 source (%s), from the one -node list',
    name => {
      const error = new S3AccessError({ name, message: `failed: ${name}` });
      expect(toSourceError(error, { source: 'kubernetes' })).toEqual({
        source: 's3',
        name,
        message: `failed: ${name}`,
      });
    },
  );

  it('classifies the scan deadline as an s3 source', () => {
    const error = Object.assign(new Error('scan took too long'), {
      name: 'ScanTimeout',
    });
    expect(toSourceError(error, { source: 'kubernetes' }).source).toBe('s3');
  });
});
