/*
 * Nesting depth of a JSON text, measured on the raw bytes before JSON.parse: a manifest nested
 * 20,000 levels deep parses, but everything recursive afterwards (validation, JSON.stringify,
 * the audit log) overflows the stack. Linear, no recursion.
 */

/** Largest nesting depth of `[`/`{` outside strings; stops counting past `limit + 1`. */
export function jsonNestingDepth(buffer: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}
