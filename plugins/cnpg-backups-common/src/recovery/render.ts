/*
 * YAML rendering. Objects go through the `yaml` library as data: no value is ever
 * concatenated into YAML text, so a hostile string can at worst become a quoted scalar.
 */
import { Document } from 'yaml';

function stripControlCharacters(text: string): string {
  return Array.from(text, ch => {
    const code = ch.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? ' ' : ch;
  }).join('');
}

/**
 * Renders one object as a YAML document with a leading `#` comment block.
 * @public
 */
export function renderYamlDocument(
  value: unknown,
  header: string[] = [],
): string {
  // YAML 1.1 rules make the library quote every string a 1.1 parser (go-yaml in kubectl)
  // could read as another type: timestamps, yes/no/on/off, octal-looking numbers.
  const doc = new Document(value, { version: '1.1' });
  if (header.length > 0) {
    // Comment lines cannot break out of the comment: newlines are folded into new `#` lines
    // by the library, and we strip control characters first anyway.
    doc.commentBefore = header
      .map(line => ` ${stripControlCharacters(line)}`)
      .join('\n');
  }
  return doc.toString({ lineWidth: 0 });
}
