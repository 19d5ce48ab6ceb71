import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it.each([
    [
      'https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI@fsn1.your-objectstorage.com/bucket',
      'https://***@fsn1.your-objectstorage.com/bucket',
    ],
    [
      'GET http://minio:9000/b/k?X-Amz-Credential=AKIAX%2F2026&X-Amz-Signature=abcdef0123&x=1',
      'GET http://minio:9000/b/k?X-Amz-Credential=***&X-Amz-Signature=***&x=1',
    ],
    [
      'env AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=topsecret barman-cloud-wal-archive',
      'env AWS_ACCESS_KEY_ID=*** AWS_SECRET_ACCESS_KEY=*** barman-cloud-wal-archive',
    ],
    ['{"secretAccessKey": "abc/def+ghi"}', '{"secretAccessKey": "***"}'],
    [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y',
      'Authorization: Bearer ***',
    ],
    ['key AKIAIOSFODNN7EXAMPLE leaked', 'key *** leaked'],
    ['password: hunter22', 'password: ***'],
  ])('redacts %j', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('keeps what owners need: key names, endpoints, commands, fixes', () => {
    const text =
      'WAL gap between 000000010000000000000003 and 000000010000000000000005 in s3://backups/cnpg-main/wals/ at https://fsn1.your-objectstorage.com. Fix: set AWS_REQUEST_CHECKSUM_CALCULATION=when_required in the plugin sidecar.';
    expect(redactSecrets(text)).toBe(text);
  });
});
