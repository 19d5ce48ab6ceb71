/*
 * A small, safe reader for the Python literals barman writes with `repr()` into backup.info
 * (strings, numbers, True/False/None, lists, tuples, dicts, nested). It is a recursive
 * descent parser with a depth limit: nothing is ever evaluated.
 */
import { InvalidPythonLiteralError } from './errors';

/** A value read from a Python literal. Tuples become arrays, dicts plain objects. @public */
export type PythonValue =
  | null
  | boolean
  | number
  | string
  | PythonValue[]
  | { [key: string]: PythonValue };

/** Deepest nesting accepted; barman's own values nest 3 levels at most. */
const MAX_DEPTH = 64;

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at: number = this.pos): never {
    throw new InvalidPythonLiteralError(message, at);
  }

  skipSpaces(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  value(depth: number): PythonValue {
    if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipSpaces();
    const t = this.text;
    if (this.pos >= t.length) this.fail('unexpected end of literal');
    const c = t[this.pos];
    if (c === "'" || c === '"') return this.string();
    if (c === '[') return this.sequence(']', depth);
    if (c === '(') return this.sequence(')', depth);
    if (c === '{') return this.dict(depth);
    if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9'))
      return this.number();
    if (t.startsWith('None', this.pos)) return this.word('None', null);
    if (t.startsWith('True', this.pos)) return this.word('True', true);
    if (t.startsWith('False', this.pos)) return this.word('False', false);
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  word<T>(word: string, value: T): T {
    const after = this.pos + word.length;
    const next = this.text.charCodeAt(after);
    // `Nonesuch` is a name, not None.
    if (after < this.text.length && isIdentChar(next)) {
      this.fail('names other than None/True/False are not literals');
    }
    this.pos = after;
    return value;
  }

  number(): number {
    const t = this.text;
    const start = this.pos;
    // repr() writes ints and floats such as -12, 0.43767, 1e-05, 1.5e+20.
    const match = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(
      t.slice(start, start + 400),
    );
    if (!match) return this.fail('malformed number');
    const raw = match[0];
    this.pos = start + raw.length;
    if (
      this.pos < t.length &&
      (isIdentChar(t.charCodeAt(this.pos)) || t[this.pos] === '.')
    ) {
      this.fail('malformed number', start);
    }
    const isInteger = /^[-+]?\d+$/.test(raw);
    if (isInteger && /^[-+]?0\d/.test(raw)) {
      this.fail('leading zeros are not allowed in Python integers', start);
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) this.fail('number out of range', start);
    if (isInteger && !Number.isSafeInteger(value)) {
      this.fail('integer too large to represent exactly', start);
    }
    return value;
  }

  string(): string {
    const t = this.text;
    const quote = t[this.pos];
    // Triple-quoted strings never come out of repr(); reject them rather than misread.
    if (t.startsWith(quote.repeat(3), this.pos))
      this.fail('triple-quoted strings are not supported');
    const start = this.pos;
    this.pos++;
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string', start);
      const c = t[this.pos];
      if (c === quote) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\n' || c === '\r')
        this.fail('line break inside a string', this.pos);
      if (c !== '\\') {
        this.pos++;
        continue;
      }
      out += t.slice(chunkStart, this.pos);
      out += this.escape();
      chunkStart = this.pos;
    }
  }

  /** Reads the escape starting at the backslash under `pos`. */
  escape(): string {
    const t = this.text;
    const at = this.pos;
    if (at + 1 >= t.length) this.fail('unterminated escape', at);
    const e = t[at + 1];
    this.pos = at + 2;
    switch (e) {
      case '\n':
        return '';
      case '\\':
        return '\\';
      case "'":
        return "'";
      case '"':
        return '"';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
        return this.hexEscape(2, at);
      case 'u':
        return this.hexEscape(4, at);
      case 'U':
        return this.hexEscape(8, at);
      default:
        break;
    }
    if (e >= '0' && e <= '7') {
      let digits = e;
      while (
        digits.length < 3 &&
        this.pos < t.length &&
        t[this.pos] >= '0' &&
        t[this.pos] <= '7'
      ) {
        digits += t[this.pos];
        this.pos++;
      }
      return String.fromCodePoint(parseInt(digits, 8));
    }
    // Python keeps unknown escapes verbatim, backslash included.
    return `\\${e}`;
  }

  hexEscape(length: number, at: number): string {
    const digits = this.text.slice(this.pos, this.pos + length);
    if (digits.length !== length || !/^[0-9a-fA-F]+$/.test(digits)) {
      this.fail(`truncated \\${this.text[at + 1]} escape`, at);
    }
    const code = parseInt(digits, 16);
    if (code > 0x10ffff) this.fail('escape beyond U+10FFFF', at);
    this.pos += length;
    return String.fromCodePoint(code);
  }

  sequence(close: string, depth: number): PythonValue[] {
    const items: PythonValue[] = [];
    const open = this.pos;
    this.pos++;
    for (;;) {
      this.skipSpaces();
      if (this.pos >= this.text.length)
        this.fail(`unclosed ${this.text[open]}`, open);
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
      } else if (c !== close) {
        if (this.pos >= this.text.length)
          this.fail(`unclosed ${this.text[open]}`, open);
        this.fail(`expected "," or "${close}"`);
      }
    }
  }

  dict(depth: number): { [key: string]: PythonValue } {
    const out: { [key: string]: PythonValue } = Object.create(null);
    const open = this.pos;
    this.pos++;
    for (;;) {
      this.skipSpaces();
      if (this.pos >= this.text.length) this.fail('unclosed {', open);
      if (this.text[this.pos] === '}') {
        this.pos++;
        // A plain prototype so callers can use it like any JSON object.
        return { ...out };
      }
      const keyAt = this.pos;
      const key = this.value(depth + 1);
      if (key !== null && typeof key === 'object') {
        this.fail(
          'dict keys must be strings, numbers, booleans or None',
          keyAt,
        );
      }
      this.skipSpaces();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      out[keyString(key)] = this.value(depth + 1);
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c !== '}') {
        if (this.pos >= this.text.length) this.fail('unclosed {', open);
        this.fail('expected "," or "}"');
      }
    }
  }
}

/** Dict keys as Python's str() spells them (None, True, False, 12). */
function keyString(key: null | boolean | number | string): string {
  if (key === null) return 'None';
  if (key === true) return 'True';
  if (key === false) return 'False';
  return String(key);
}

function isIdentChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95
  );
}

/**
 * Reads one Python literal (the whole text, surrounding spaces allowed).
 * Throws `InvalidPythonLiteralError` with the offset of the problem.
 * @public
 */
export function parsePythonLiteral(text: string): PythonValue {
  if (typeof text !== 'string')
    throw new InvalidPythonLiteralError('not a string', 0);
  const reader = new Reader(text);
  const value = reader.value(0);
  reader.skipSpaces();
  if (reader.pos !== text.length)
    reader.fail('unexpected text after the literal');
  return value;
}
