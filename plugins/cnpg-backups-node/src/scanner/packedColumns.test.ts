import {
  ByteReader,
  ByteWriter,
  readNumbers,
  writeNumbers,
} from './packedColumns';

/** Encodes `values`, decodes them, checks every one bit for bit; returns the bytes used. */
function roundTrip(values: number[]): number {
  const out = new ByteWriter();
  writeNumbers(out, values.length, i => values[i]);
  const bytes = out.toBytes();
  const back = new Array<number>(values.length).fill(12345);
  const input = new ByteReader(bytes);
  readNumbers(input, values.length, (i, v) => (back[i] = v));
  expect(input.done).toBe(true);
  back.forEach((v, i) => {
    if (!Object.is(v, values[i]))
      throw new Error(`value ${i}: ${values[i]} came back as ${v}`);
  });
  return bytes.length;
}

describe('writeNumbers / readNumbers', () => {
  it('picks a short form for each kind of column', () => {
    const n = 256;
    // Repeated value (sizes of uncompressed WAL): runs.
    expect(roundTrip(Array(n).fill(16 * 1024 * 1024))).toBeLessThan(12);
    // Consecutive numbers (segments): one run.
    expect(
      roundTrip(Array.from({ length: n }, (_, i) => 0x1000 + i)),
    ).toBeLessThan(12);
    // Ascending times in whole seconds, 31-89 s apart: about a byte each.
    let t = Date.UTC(2026, 0, 1);
    const times = Array.from(
      { length: n },
      (_, i) => (t += (31 + ((i * 37) % 59)) * 1000),
    );
    expect(roundTrip(times)).toBeLessThan(n + 16);
    // Sizes at random within 9 MB: 24 bits each.
    const sizes = Array.from(
      { length: n },
      (_, i) => 2_000_000 + ((Math.imul(i, 2654435761) >>> 0) % 9_000_000),
    );
    expect(roundTrip(sizes)).toBeLessThan(n * 3 + 16);
  });

  it('keeps what is not a small integer exactly', () => {
    expect(
      roundTrip([
        NaN,
        -0,
        0,
        Infinity,
        -Infinity,
        0.1,
        1e300,
        -1e-300,
        2 ** 50,
        2 ** 50 + 1,
        -(2 ** 50),
        -(2 ** 50) - 1,
        2 ** 53,
        Number.MAX_SAFE_INTEGER,
        Number.MIN_VALUE,
      ]),
    ).toBeGreaterThan(0);
    expect(roundTrip([NaN, NaN, NaN])).toBeGreaterThan(0);
    expect(roundTrip([-5, -4000, 3000, -3000, 0])).toBeGreaterThan(0);
    expect(roundTrip([])).toBeGreaterThan(0);
    expect(roundTrip([7])).toBeGreaterThan(0);
  });

  it('round-trips random columns of every shape', () => {
    let seed = 99;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 300; round++) {
      const n = Math.floor(rnd() * 400);
      const span = 2 ** Math.floor(rnd() * 52);
      const shape = Math.floor(rnd() * 4);
      let v = Math.floor(rnd() * span) - span / 2;
      const values = Array.from({ length: n }, () => {
        if (rnd() < 0.02) return [NaN, -0, 1.5, 2 ** 60][Math.floor(rnd() * 4)];
        if (shape === 0) return Math.floor(rnd() * span);
        if (shape === 1) return (v += Math.floor(rnd() * 100)) * 1000;
        if (shape === 2)
          return rnd() < 0.9 ? v : (v = Math.floor(rnd() * span));
        return -Math.floor(rnd() * span);
      });
      expect(roundTrip(values)).toBeGreaterThan(0);
    }
  });

  it('keeps columns written one after the other aligned', () => {
    // A regression: a column whose deltas go down and up was once written in the
    // ascending-only form, which shifted every column after it.
    const columns = [
      [1, 2, 16, 0, 255, 0, 0],
      [1, 1, 0, 0, 5, 0, 0],
      [3, 2, 1],
      [10_000, 20_000, 20_000, 50_000],
      [7, 1e9, 7, 1e9, 7],
    ];
    const out = new ByteWriter();
    for (const c of columns) writeNumbers(out, c.length, i => c[i]);
    const input = new ByteReader(out.toBytes());
    for (const c of columns) {
      const back: number[] = [];
      readNumbers(input, c.length, (i, v) => (back[i] = v));
      expect(back).toEqual(c);
    }
    expect(input.done).toBe(true);
  });

  it('rejects truncated or trailing data', () => {
    const out = new ByteWriter();
    writeNumbers(out, 3, i => [1, 500, 90000][i]);
    const bytes = out.toBytes();
    expect(() =>
      readNumbers(
        new ByteReader(bytes.slice(0, bytes.length - 1)),
        3,
        () => {},
      ),
    ).toThrow(RangeError);
    expect(() => readNumbers(new ByteReader(bytes), 4, () => {})).toThrow(
      RangeError,
    );
  });
});
