/**
 * Decodes Barman history files (`<TLI>.history[.ext]`), which barman-cloud-wal-archive
 * compresses with the same algorithm as the WAL. History files are a few lines; the output is
 * capped so that a hostile object cannot blow up memory (a "decompression bomb").
 */
import zlib from 'node:zlib';
import Bunzip from 'seek-bzip';
import { uncompress as snappyUncompress } from 'snappyjs';

/** Largest decoded history file accepted (a real one is a few hundred bytes per timeline). */
export const MAX_DECODED_HISTORY_LENGTH = 4 * 1024 * 1024;

/** What {@link decompressHistory} can decode, for messages. @internal */
export const DECODED_HISTORY_COMPRESSIONS =
  'uncompressed, gzip, bzip2, snappy and zstd are decoded';

/** A history file whose content does not decode. @public */
export class HistoryDecodeError extends Error {
  readonly name = 'HistoryDecodeError';
}

type ZstdDecompress = (
  buffer: Buffer,
  options?: { maxOutputLength?: number },
) => Buffer;

/**
 * Decodes a history file compressed with `compression` (as named by `classifyArchiveFile`).
 * Returns undefined when this compression cannot be decoded here (xz, lz4, and zstd on a Node
 * without zstd).
 * @throws HistoryDecodeError for corrupt input or output over {@link MAX_DECODED_HISTORY_LENGTH}.
 * @internal
 */
export function decompressHistory(
  buffer: Buffer,
  compression: string,
): string | undefined {
  try {
    switch (compression) {
      case 'none':
        return buffer.toString('utf8');
      case 'gzip':
        return zlib
          .gunzipSync(buffer, { maxOutputLength: MAX_DECODED_HISTORY_LENGTH })
          .toString('utf8');
      case 'bzip2':
        return bunzip2(buffer).toString('utf8');
      case 'snappy':
        return unsnappyFramed(buffer).toString('utf8');
      case 'zstd': {
        // Node >= 22.15 ships zstd in zlib.
        const zstd = (
          zlib as unknown as { zstdDecompressSync?: ZstdDecompress }
        ).zstdDecompressSync;
        return zstd
          ? zstd(buffer, {
              maxOutputLength: MAX_DECODED_HISTORY_LENGTH,
            }).toString('utf8')
          : undefined;
      }
      default:
        return undefined;
    }
  } catch (error) {
    if (error instanceof HistoryDecodeError) throw error;
    throw new HistoryDecodeError(
      `not valid ${compression} data: ${(error as Error).message}`,
    );
  }
}

function tooLarge(): never {
  throw new HistoryDecodeError(
    `decodes to more than ${MAX_DECODED_HISTORY_LENGTH} bytes`,
  );
}

/** bzip2, including concatenated streams (pbzip2), with the output capped. */
function bunzip2(buffer: Buffer): Buffer {
  let out = Buffer.alloc(
    Math.min(MAX_DECODED_HISTORY_LENGTH, Math.max(1024, buffer.length * 8)),
  );
  let length = 0;
  const sink = {
    writeByte(byte: number) {
      if (length === out.length) {
        if (out.length >= MAX_DECODED_HISTORY_LENGTH) tooLarge();
        const bigger = Buffer.alloc(
          Math.min(MAX_DECODED_HISTORY_LENGTH, out.length * 2),
        );
        out.copy(bigger);
        out = bigger;
      }
      out[length++] = byte;
    },
  };
  Bunzip.decode(buffer, sink, true);
  return out.subarray(0, length);
}

const SNAPPY_STREAM_ID = Buffer.from('sNaPpY', 'latin1');

/**
 * The snappy framing format (what python-snappy's `stream_compress`, used by barman, writes):
 * a stream identifier chunk, then compressed (0x00) or uncompressed (0x01) chunks, each with a
 * masked CRC-32C of its uncompressed bytes; 0x80-0xFE chunks are skipped.
 */
function unsnappyFramed(buffer: Buffer): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  let pos = 0;
  let sawStreamId = false;
  while (pos < buffer.length) {
    if (pos + 4 > buffer.length)
      throw new HistoryDecodeError('truncated snappy chunk header');
    const type = buffer[pos];
    const length = buffer.readUIntLE(pos + 1, 3);
    const start = pos + 4;
    const end = start + length;
    if (end > buffer.length)
      throw new HistoryDecodeError('truncated snappy chunk');
    pos = end;
    if (type === 0xff) {
      if (!buffer.subarray(start, end).equals(SNAPPY_STREAM_ID)) {
        throw new HistoryDecodeError('bad snappy stream identifier');
      }
      sawStreamId = true;
      continue;
    }
    if (!sawStreamId)
      throw new HistoryDecodeError('no snappy stream identifier');
    if (type === 0x00 || type === 0x01) {
      if (length < 4) throw new HistoryDecodeError('snappy chunk too short');
      const expectedCrc = buffer.readUInt32LE(start);
      const body = buffer.subarray(start + 4, end);
      const data =
        type === 0x00
          ? Buffer.from(
              snappyUncompress(body, MAX_DECODED_HISTORY_LENGTH - total),
            )
          : Buffer.from(body);
      if (maskedCrc32c(data) !== expectedCrc)
        throw new HistoryDecodeError('snappy chunk CRC mismatch');
      total += data.length;
      if (total > MAX_DECODED_HISTORY_LENGTH) tooLarge();
      parts.push(data);
      continue;
    }
    if (type < 0x80)
      throw new HistoryDecodeError(
        `reserved unskippable snappy chunk type 0x${type.toString(16)}`,
      );
    // 0x80-0xFE: skippable (padding and reserved).
  }
  if (!sawStreamId) throw new HistoryDecodeError('empty snappy stream');
  return Buffer.concat(parts, total);
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), masked as the snappy framing format stores it. @internal */
export function maskedCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++)
    crc = CRC32C_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  crc = (crc ^ 0xffffffff) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}
