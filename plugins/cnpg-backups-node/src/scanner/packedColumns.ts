/*
 * A small byte codec for the scan state kept between scans (issue 12: a fleet of 1,000 archives keeps
 * one state each). Columns of numbers are written as varints of zigzag deltas, run-length encoded
 * when that is shorter; any value that is not a small enough integer (NaN, -0, fractions, beyond
 * ±2^50) is kept bit-exact as an exception. Everything decodes to exactly what was encoded.
 */

/** Integers up to this magnitude are delta-encoded; their deltas and zigzags stay exact doubles. */
const MAX_ENCODED = 2 ** 50;

/** A growable byte buffer to encode into. */
export class ByteWriter {
  #bytes = new Uint8Array(256);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  #reserve(n: number) {
    if (this.#length + n <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < this.#length + n) capacity *= 2;
    const bytes = new Uint8Array(capacity);
    bytes.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = bytes;
  }

  byte(value: number): void {
    this.#reserve(1);
    this.#bytes[this.#length++] = value;
  }

  /** A non-negative integer up to 2^53, 7 bits a byte. */
  varint(value: number): void {
    this.#reserve(8);
    let v = value;
    while (v >= 128) {
      this.#bytes[this.#length++] = (v % 128) + 128;
      v = Math.floor(v / 128);
    }
    this.#bytes[this.#length++] = v;
  }

  float64(value: number): void {
    this.#reserve(8);
    new DataView(
      this.#bytes.buffer,
      this.#bytes.byteOffset + this.#length,
      8,
    ).setFloat64(0, value, true);
    this.#length += 8;
  }

  utf8(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.varint(bytes.length);
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** The bytes written, in storage of their own (not a view on the working buffer). */
  toBytes(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** Reads what a {@link ByteWriter} wrote, in the same order. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  #need(n: number) {
    if (this.#offset + n > this.#bytes.length)
      throw new RangeError('packed data ends early');
  }

  byte(): number {
    this.#need(1);
    return this.#bytes[this.#offset++];
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 127) * scale;
      if (b < 128) return value;
      scale *= 128;
      if (scale > 2 ** 56) throw new RangeError('varint too long');
    }
  }

  float64(): number {
    this.#need(8);
    const value = new DataView(
      this.#bytes.buffer,
      this.#bytes.byteOffset + this.#offset,
      8,
    ).getFloat64(0, true);
    this.#offset += 8;
    return value;
  }

  utf8(): string {
    const n = this.varint();
    this.#need(n);
    const text = Buffer.from(
      this.#bytes.buffer,
      this.#bytes.byteOffset + this.#offset,
      n,
    ).toString('utf8');
    this.#offset += n;
    return text;
  }

  get done(): boolean {
    return this.#offset === this.#bytes.length;
  }
}

const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

function isEncodable(v: number): boolean {
  return Number.isInteger(v) && Math.abs(v) <= MAX_ENCODED && !Object.is(v, -0);
}

const PLAIN = 0;
const RUNS = 1;
const ASCENDING = 2;
const BITS = 3;

const varintLength = (v: number) => {
  let n = 1;
  for (let x = v; x >= 128; x = Math.floor(x / 128)) n++;
  return n;
};
const bitWidth = (v: number) => {
  let w = 0;
  for (let x = v; x >= 1; x = Math.floor(x / 2)) w++;
  return w;
};

/** Writes `width`-bit values LSB first, packed across byte boundaries. */
class BitWriter {
  #acc = 0;
  #bits = 0;
  constructor(private readonly out: ByteWriter) {}
  write(value: number, width: number) {
    let v = value;
    let w = width;
    while (w > 0) {
      const k = Math.min(w, 24);
      const chunk = v % 2 ** k;
      v = Math.floor(v / 2 ** k);
      w -= k;
      this.#acc += chunk * 2 ** this.#bits;
      this.#bits += k;
      while (this.#bits >= 8) {
        this.out.byte(this.#acc % 256);
        this.#acc = Math.floor(this.#acc / 256);
        this.#bits -= 8;
      }
    }
  }
  flush() {
    if (this.#bits > 0) this.out.byte(this.#acc);
    this.#acc = 0;
    this.#bits = 0;
  }
}

class BitReader {
  #acc = 0;
  #bits = 0;
  constructor(private readonly input: ByteReader) {}
  read(width: number): number {
    let value = 0;
    let scale = 1;
    let w = width;
    while (w > 0) {
      const k = Math.min(w, 24);
      while (this.#bits < k) {
        this.#acc += this.input.byte() * 2 ** this.#bits;
        this.#bits += 8;
      }
      const chunk = this.#acc % 2 ** k;
      this.#acc = Math.floor(this.#acc / 2 ** k);
      this.#bits -= k;
      value += chunk * scale;
      scale *= 2 ** k;
      w -= k;
    }
    return value;
  }
}

/**
 * Writes `length` numbers read through `at`. Layout: exception count, then per exception the
 * index delta and the Float64; a scale byte (values divided by 1000 when every encodable one is
 * a multiple of it: S3 times have whole seconds); a mode byte and the values in the shortest of
 * four forms: zigzag deltas (PLAIN), (delta, run) pairs (RUNS: repeated sizes, consecutive
 * segments), unsigned deltas (ASCENDING: times), or each value minus the smallest one in a
 * fixed number of bits (BITS: sizes that differ at random). An exception's slot repeats the
 * previous value.
 */
export function writeNumbers(
  out: ByteWriter,
  length: number,
  at: (i: number) => number,
): void {
  let exceptions = 0;
  let thousands = true;
  for (let i = 0; i < length; i++) {
    const v = at(i);
    if (!isEncodable(v)) exceptions++;
    else if (v % 1000 !== 0) thousands = false;
  }
  out.varint(exceptions);
  let lastException = 0;
  for (let i = 0; i < length && exceptions > 0; i++) {
    const v = at(i);
    if (isEncodable(v)) continue;
    out.varint(i - lastException);
    out.float64(v);
    lastException = i;
  }
  const scale = thousands ? 1000 : 1;
  out.byte(thousands ? 1 : 0);
  // The values (scaled, exceptions repeating the previous one), their deltas, and the size
  // each form would take.
  const values = new Float64Array(length);
  const deltas = new Float64Array(length);
  let previous = 0;
  let min = Infinity;
  let max = -Infinity;
  let plainBytes = 0;
  let runsBytes = 0;
  let runs = 0;
  let ascending = true;
  let ascendingBytes = 0;
  for (let i = 0; i < length; i++) {
    const v = at(i);
    const value = isEncodable(v) ? v / scale : previous;
    values[i] = value;
    deltas[i] = value - previous;
    previous = value;
    if (value < min) min = value;
    if (value > max) max = value;
    plainBytes += varintLength(zigzag(deltas[i]));
    if (deltas[i] < 0) ascending = false;
    else ascendingBytes += varintLength(deltas[i]);
    if (i === 0 || deltas[i] !== deltas[i - 1]) {
      runs++;
      runsBytes += varintLength(zigzag(deltas[i])) + 1;
    }
  }
  const width = length > 0 ? bitWidth(max - min) : 0;
  const bitsBytes =
    length > 0
      ? varintLength(zigzag(min)) + 1 + Math.ceil((length * width) / 8)
      : Infinity;
  if (!ascending) ascendingBytes = Infinity;
  const best = Math.min(plainBytes, runsBytes, ascendingBytes, bitsBytes);
  if (best === runsBytes) {
    out.byte(RUNS);
    out.varint(runs);
    let i = 0;
    while (i < length) {
      let j = i + 1;
      while (j < length && deltas[j] === deltas[i]) j++;
      out.varint(zigzag(deltas[i]));
      out.varint(j - i);
      i = j;
    }
  } else if (best === plainBytes) {
    out.byte(PLAIN);
    for (let i = 0; i < length; i++) out.varint(zigzag(deltas[i]));
  } else if (best === ascendingBytes) {
    out.byte(ASCENDING);
    for (let i = 0; i < length; i++) out.varint(deltas[i]);
  } else {
    out.byte(BITS);
    out.varint(zigzag(min));
    out.byte(width);
    const bits = new BitWriter(out);
    for (let i = 0; i < length; i++) bits.write(values[i] - min, width);
    bits.flush();
  }
}

/** Reads `length` numbers written by {@link writeNumbers} into `into(i, value)`. */
export function readNumbers(
  input: ByteReader,
  length: number,
  into: (i: number, value: number) => void,
): void {
  const exceptionCount = input.varint();
  const exceptionAt: number[] = [];
  const exceptionValue: number[] = [];
  let index = 0;
  for (let k = 0; k < exceptionCount; k++) {
    index += input.varint();
    exceptionAt.push(index);
    exceptionValue.push(input.float64());
  }
  const scaleCode = input.byte();
  if (scaleCode > 1) throw new RangeError('unknown scale');
  const scale = scaleCode === 1 ? 1000 : 1;
  const mode = input.byte();
  let value = 0;
  let i = 0;
  const put = () => {
    into(i, value * scale);
    i++;
  };
  if (mode === RUNS) {
    const runs = input.varint();
    for (let r = 0; r < runs; r++) {
      const delta = unzigzag(input.varint());
      const run = input.varint();
      if (i + run > length) throw new RangeError('run past the end');
      for (let k = 0; k < run; k++) {
        value += delta;
        put();
      }
    }
  } else if (mode === PLAIN || mode === ASCENDING) {
    while (i < length) {
      const v = input.varint();
      value += mode === PLAIN ? unzigzag(v) : v;
      put();
    }
  } else if (mode === BITS) {
    const min = unzigzag(input.varint());
    const width = input.byte();
    if (width > 53) throw new RangeError('bit width too large');
    const bits = new BitReader(input);
    while (i < length) {
      value = min + bits.read(width);
      put();
    }
  } else {
    throw new RangeError('unknown column mode');
  }
  if (i !== length) throw new RangeError('column length mismatch');
  for (let k = 0; k < exceptionAt.length; k++) {
    if (exceptionAt[k] >= length) throw new RangeError('exception past end');
    into(exceptionAt[k], exceptionValue[k]);
  }
}
