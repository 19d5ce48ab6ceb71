import { walGapDiagnosis } from './diagnoses';

// Pins the exact wal-gap texts (both severities): the two branches share their head through
// one template, and the card shows these words verbatim.
describe('walGapDiagnosis', () => {
  const ctx = {
    serverName: 'orders',
    clusterName: 'orders',
    destination: 's3://bucket/db',
  };
  const gaps = [
    { firstMissing: 'A', lastMissing: 'A', count: 1 },
    { firstMissing: 'B', lastMissing: 'C', count: 2 },
  ];

  it('says an error gap blocks recovery past it, naming the newest backup', () => {
    const d = walGapDiagnosis(ctx, 2, gaps, 'error', '20260101T000000');
    expect(Object.keys(d)).toEqual([
      'id',
      'severity',
      'subject',
      'message',
      'evidence',
      'fix',
      'fixSnippet',
    ]);
    expect(d).toMatchObject({
      id: 'wal-gap',
      severity: 'error',
      subject: 'orders',
    });
    expect(d.message).toBe(
      'Timeline 2 of "orders" has 2 gaps (3 segments missing) after the start of the newest completed backup 20260101T000000: point-in-time recovery cannot go past the first gap.',
    );
    expect(d.evidence).toEqual(['missing A', 'missing B … C (2 segments)']);
  });

  it('says an old gap only limits points before the newest backup (singular counts)', () => {
    const d = walGapDiagnosis(ctx, 1, gaps.slice(0, 1), 'warning', undefined);
    expect(Object.keys(d)).toEqual([
      'id',
      'severity',
      'subject',
      'message',
      'evidence',
      'fix',
    ]);
    expect(d.message).toBe(
      'Timeline 1 of "orders" has 1 gap (1 segment missing) before the newest completed backup: recovery to points inside or just after a gap needs a base backup taken after it.',
    );
    expect(d.fixSnippet).toBeUndefined();
  });
});
