/*
 * fast-check generators for the catalog fuzz tests.
 */
import fc from 'fast-check';
import type { PythonValue } from '../pythonLiteral';

export const NUM_RUNS = 10_000;

const hexChar = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
/** 8 hex digits in random case. */
export const hex8Arb = fc.string({ unit: hexChar, minLength: 8, maxLength: 8 });
export const uint32 = fc.integer({ min: 0, max: 0xffffffff });
export const timelineArb = fc.integer({ min: 1, max: 0xffffffff });
export const segmentSizeArb = fc.integer({ min: 20, max: 30 }).map(p => 2 ** p);
export const compressionSuffixArb = fc.constantFrom(
  '',
  '.gz',
  '.bz2',
  '.xz',
  '.snappy',
  '.zst',
  '.lz4',
  '.GZ',
  '.Zst',
);

/** Strings that look like archive names, valid or almost valid. */
export const archiveNameArb = fc.oneof(
  fc
    .tuple(hex8Arb, hex8Arb, hex8Arb, compressionSuffixArb)
    .map(([a, b, c, z]) => a + b + c + z),
  fc
    .tuple(
      hex8Arb,
      hex8Arb,
      hex8Arb,
      fc.constantFrom('.partial', '.PARTIAL', '.partia'),
      compressionSuffixArb,
    )
    .map(([a, b, c, p, z]) => a + b + c + p + z),
  fc
    .tuple(hex8Arb, hex8Arb, hex8Arb, hex8Arb, compressionSuffixArb)
    .map(([a, b, c, o, z]) => `${a}${b}${c}.${o}.backup${z}`),
  fc.tuple(hex8Arb, compressionSuffixArb).map(([a, z]) => `${a}.history${z}`),
  // Near misses: one char dropped, inserted or replaced.
  fc
    .tuple(
      hex8Arb,
      hex8Arb,
      hex8Arb,
      compressionSuffixArb,
      fc.nat(40),
      fc.string({ maxLength: 2 }),
    )
    .map(([a, b, c, z, at, junk]) => {
      const s = a + b + c + z;
      const i = at % (s.length + 1);
      return s.slice(0, i) + junk + s.slice(i + 1);
    }),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

/** A Python-repr of a string, as barman writes it. */
export function pythonRepr(value: PythonValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return String(value);
    // A float with an integer value beyond 2^53 is written in exponent form, as Python does.
    if (Number.isInteger(value)) return value.toExponential();
    // Python spells 1e-05 / 1.5e+20; JS's forms parse the same way.
    return String(value);
  }
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = quote;
    for (const ch of value) {
      const code = ch.codePointAt(0)!;
      if (ch === '\\') out += '\\\\';
      else if (ch === quote) out += `\\${quote}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
        out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code >= 0xd800 && code <= 0xdfff)
        out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += ch;
    }
    return out + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
    .join(', ')}}`;
}

/** Arbitrary Python values (dict keys are strings). */
export const pythonValueArb: fc.Arbitrary<PythonValue> = fc.letrec<{
  value: PythonValue;
}>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter(d => !Object.is(d, -0)),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;
