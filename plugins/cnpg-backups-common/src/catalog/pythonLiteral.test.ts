import { parsePythonLiteral } from './pythonLiteral';
import { InvalidPythonLiteralError } from './errors';

describe('parsePythonLiteral', () => {
  it.each([
    ['None', null],
    ['True', true],
    ['False', false],
    ['0', 0],
    ['-12', -12],
    ['+7', 7],
    ['0.43767', 0.43767],
    ['1e-05', 1e-5],
    ['1.5e+20', 1.5e20],
    ['.5', 0.5],
    ['3.', 3],
    ["''", ''],
    ['"x"', 'x'],
    ["'it\\'s'", "it's"],
    ['"say \\"hi\\""', 'say "hi"'],
    ["'a\\nb\\tc\\\\d'", 'a\nb\tc\\d'],
    ["'\\x41\\u00e9\\U0001F600'", 'Aé😀'],
    ["'\\101\\0'", 'A\0'],
    ["'\\a\\b\\f\\v\\r'", '\x07\b\f\v\r'],
    ["'keep \\d as is'", 'keep \\d as is'],
    ["'ünïcødé ✓'", 'ünïcødé ✓'],
    ['[]', []],
    ['()', []],
    ['{}', {}],
    ['[1, 2, 3,]', [1, 2, 3]],
    ['(1,)', [1]],
    ["  [ 'a' , None ]  ", ['a', null]],
  ])('reads %s', (text, expected) => {
    expect(parsePythonLiteral(text)).toEqual(expected);
  });

  it('reads the copy_stats dict of a real backup.info', () => {
    const text =
      "{'total_time': 9.236557, 'number_of_workers': 2, 'analysis_time': 0, 'analysis_time_per_item': {'data': 0}, 'copy_time_per_item': {'data': 0.43767}, 'serialized_copy_time_per_item': {'data': 0.270602}, 'copy_time': 0.43767, 'serialized_copy_time': 0.270602}";
    expect(parsePythonLiteral(text)).toEqual({
      total_time: 9.236557,
      number_of_workers: 2,
      analysis_time: 0,
      analysis_time_per_item: { data: 0 },
      copy_time_per_item: { data: 0.43767 },
      serialized_copy_time_per_item: { data: 0.270602 },
      copy_time: 0.43767,
      serialized_copy_time: 0.270602,
    });
  });

  it('reads tablespaces (list of tuples) and non-string dict keys', () => {
    expect(
      parsePythonLiteral(
        "[('tbs1', 16394, '/var/lib/tbs1'), ('tbs2', 16395, '/x')]",
      ),
    ).toEqual([
      ['tbs1', 16394, '/var/lib/tbs1'],
      ['tbs2', 16395, '/x'],
    ]);
    expect(parsePythonLiteral("{1: 'a', None: 'b', True: [{}]}")).toEqual({
      1: 'a',
      None: 'b',
      True: [{}],
    });
  });

  it('keeps __proto__ keys as plain data', () => {
    const value = parsePythonLiteral("{'__proto__': {'polluted': 1}}") as any;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it.each([
    ['', 'unexpected end'],
    ['   ', 'unexpected end'],
    ["'abc", 'unterminated string'],
    ["'a\nb'", 'line break inside a string'],
    ["'\\x4'", 'truncated \\x escape'],
    ["'\\u12'", 'truncated \\u escape'],
    ["'\\U00110000'", 'beyond U+10FFFF'],
    ["'\\", 'unterminated escape'],
    ["'''doc'''", 'triple-quoted'],
    ['[1, 2', 'unclosed ['],
    ['[1 2]', 'expected "," or "]"'],
    ['(1', 'unclosed ('],
    ["{'a' 1}", 'expected ":"'],
    ["{'a': 1", 'unclosed {'],
    ["{'a': 1 'b': 2}", 'expected "," or "}"'],
    ['{[1]: 2}', 'dict keys must be'],
    ['Nonesuch', 'names other than None/True/False'],
    ['nan', 'unexpected character'],
    ['inf', 'unexpected character'],
    ['0x1F', 'malformed number'],
    ['1.2.3', 'malformed number'],
    ['1e999', 'number out of range'],
    ['12345678901234567890', 'integer too large'],
    ['007', 'leading zeros'],
    ['-', 'malformed number'],
    ['1 2', 'unexpected text after'],
    ['os.system("x")', 'unexpected character'],
    ['__import__("os")', 'unexpected character'],
    ['{**a}', 'unexpected character'],
    ['['.repeat(65) + ']'.repeat(65), 'nesting deeper than 64'],
  ])('rejects %p (%s)', (text, message) => {
    expect(() => parsePythonLiteral(text)).toThrow(InvalidPythonLiteralError);
    expect(() => parsePythonLiteral(text)).toThrow(message);
  });

  it('reports the offset of the problem', () => {
    let error: unknown;
    try {
      parsePythonLiteral("[1, 2, 'x' y]");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPythonLiteralError);
    expect((error as InvalidPythonLiteralError).position).toBe(11);
    expect((error as Error).name).toBe('InvalidPythonLiteralError');
  });

  it('accepts 64 levels of nesting', () => {
    expect(() =>
      parsePythonLiteral('['.repeat(64) + ']'.repeat(64)),
    ).not.toThrow();
  });

  it('rejects non-strings', () => {
    expect(() => parsePythonLiteral(5 as any)).toThrow(
      InvalidPythonLiteralError,
    );
  });
});
