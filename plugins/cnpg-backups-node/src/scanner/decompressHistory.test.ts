import zlib from 'node:zlib';
import { compress as snappyCompress } from 'snappyjs';
import {
  decompressHistory,
  HistoryDecodeError,
  maskedCrc32c,
  MAX_DECODED_HISTORY_LENGTH,
} from './decompressHistory';

const HISTORY =
  '1\t0/7000000\tno recovery target specified\n\n2\t0/9000000\tno recovery target specified\n';
// Made with CPython's bz2 module (libbz2): one stream, and the same text as two concatenated
// streams (what pbzip2 writes).
const BZ2 =
  'QlpoOTFBWSZTWYUQh3IAAA3ZgBAwQADwoC+h3SAgAEBVVPIm1PSekaM2poUAA0DJkeWlMlmn9DD0VSLbUbKN3i6F2EJskIfHSbDphZNJJyq7F3JFOFCQhRCHcg==';
const BZ2_MULTISTREAM =
  'QlpoOTFBWSZTWVfrpj8AAAZZgBAgQADggC+h3SAgACKZDQAHohRoyBo0yNIyPYaTkJ1cWTL/DzA4AZU2VsGRCvxdyRThQkFfrpj8QlpoOTFBWSZTWR9IpAUAAAJZgBAwQADQIC+h3SAgACImRkjamQe1NQoAMRppo0VkwpeCblwZOztqkCJCVAztJ3PSGcc/i7kinChID6RSAoA=';

/** A snappy framing-format stream, chunk by chunk, as python-snappy's stream_compress writes it. */
function snappyFramed(
  chunks: Array<{ type: 0 | 1; text: string; badCrc?: boolean }>,
): Buffer {
  const header = (type: number, length: number) => {
    const h = Buffer.alloc(4);
    h[0] = type;
    h.writeUIntLE(length, 1, 3);
    return h;
  };
  const parts = [header(0xff, 6), Buffer.from('sNaPpY', 'latin1')];
  for (const chunk of chunks) {
    const raw = Buffer.from(chunk.text);
    const body = chunk.type === 0 ? Buffer.from(snappyCompress(raw)) : raw;
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(chunk.badCrc ? maskedCrc32c(raw) ^ 1 : maskedCrc32c(raw));
    parts.push(header(chunk.type, body.length + 4), crc, body);
  }
  // A padding chunk, which readers skip.
  parts.push(header(0xfe, 2), Buffer.alloc(2));
  return Buffer.concat(parts);
}

describe('decompressHistory', () => {
  it('reads uncompressed and gzip history files', () => {
    expect(decompressHistory(Buffer.from(HISTORY), 'none')).toBe(HISTORY);
    expect(decompressHistory(zlib.gzipSync(HISTORY), 'gzip')).toBe(HISTORY);
  });

  it('reads bzip2, including concatenated streams', () => {
    expect(decompressHistory(Buffer.from(BZ2, 'base64'), 'bzip2')).toBe(
      HISTORY,
    );
    expect(
      decompressHistory(Buffer.from(BZ2_MULTISTREAM, 'base64'), 'bzip2'),
    ).toBe(HISTORY);
  });

  it('reads the snappy framing format (compressed and uncompressed chunks)', () => {
    const framed = snappyFramed([
      { type: 0, text: HISTORY.slice(0, 50) },
      { type: 1, text: HISTORY.slice(50) },
    ]);
    expect(decompressHistory(framed, 'snappy')).toBe(HISTORY);
  });

  it('computes the CRC-32C of the standard check value', () => {
    // CRC-32C("123456789") = 0xE3069283, masked as the snappy framing format does.
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe(0xc78ab0e5);
  });

  // The project runs on Node 22 >= 22.15 (scripts/bootstrap.sh), which has zstd in zlib.
  it('reads zstd', () => {
    const zstdCompress = (
      zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }
    ).zstdCompressSync;
    expect(decompressHistory(zstdCompress(Buffer.from(HISTORY)), 'zstd')).toBe(
      HISTORY,
    );
  });

  it('returns undefined for compressions it cannot decode', () => {
    expect(decompressHistory(Buffer.from('xz data'), 'xz')).toBeUndefined();
    expect(decompressHistory(Buffer.from('lz4 data'), 'lz4')).toBeUndefined();
  });

  it('throws a named error for corrupt data', () => {
    const bz2 = Buffer.from(BZ2, 'base64');
    bz2[bz2.length - 10] ^= 0xff;
    expect(() => decompressHistory(bz2, 'bzip2')).toThrow(HistoryDecodeError);
    expect(() =>
      decompressHistory(Buffer.from('BZh9 not bzip2'), 'bzip2'),
    ).toThrow(HistoryDecodeError);
    expect(() => decompressHistory(Buffer.from('not gzip'), 'gzip')).toThrow(
      HistoryDecodeError,
    );
    expect(() =>
      decompressHistory(
        snappyFramed([{ type: 0, text: HISTORY, badCrc: true }]),
        'snappy',
      ),
    ).toThrow(/CRC mismatch/);
    expect(() =>
      decompressHistory(
        Buffer.from(snappyCompress(Buffer.from(HISTORY))),
        'snappy',
      ),
    ).toThrow(HistoryDecodeError);
    expect(() =>
      decompressHistory(
        snappyFramed([{ type: 0, text: HISTORY }]).subarray(0, 20),
        'snappy',
      ),
    ).toThrow(/truncated/);
  });

  it('refuses output larger than the cap (decompression bombs)', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(MAX_DECODED_HISTORY_LENGTH + 1));
    expect(() => decompressHistory(bomb, 'gzip')).toThrow(HistoryDecodeError);
    // 5 MiB of zeros in 48 bytes of bzip2 (CPython bz2).
    const bz2Bomb = Buffer.from(
      'QlpoOTFBWSZTWa7N3JMAKChEAMAAAAQACCAAMMwFKaYJAmxCQJ4u5IpwoSFdm7km',
      'base64',
    );
    expect(() => decompressHistory(bz2Bomb, 'bzip2')).toThrow(/more than/);
  });
});
