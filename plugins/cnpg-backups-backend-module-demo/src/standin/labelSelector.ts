/*
 * Kubernetes label selectors (the `labelSelector` query parameter): equality (`a=b`, `a==b`), inequality
 * (`a!=b`), set-based (`a in (x,y)`, `a notin (x,y)`) and existence (`a`, `!a`), joined by commas (AND).
 */

/** A label selector string could not be parsed. */
export class InvalidLabelSelectorError extends Error {
  name = 'InvalidLabelSelectorError';
}

/** One parsed requirement of a selector. */
export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

const KEY =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  if (depth !== 0) {
    throw new InvalidLabelSelectorError(
      `unable to parse requirement: unbalanced parentheses in "${selector}"`,
    );
  }
  return parts;
}

function checkKey(key: string, raw: string) {
  if (!KEY.test(key) || key.length > 316) {
    throw new InvalidLabelSelectorError(
      `unable to parse requirement: invalid label key "${key}" in "${raw}"`,
    );
  }
}

function checkValue(value: string, raw: string) {
  if (!VALUE.test(value) || value.length > 63) {
    throw new InvalidLabelSelectorError(
      `unable to parse requirement: invalid label value "${value}" in "${raw}"`,
    );
  }
}

/** Parses a selector; an empty or blank string selects everything (no requirements). */
export function parseLabelSelector(
  selector: string | undefined | null,
): LabelRequirement[] {
  if (!selector || selector.trim() === '') return [];
  return splitTopLevel(selector).map(rawPart => {
    const part = rawPart.trim();
    if (part === '') {
      throw new InvalidLabelSelectorError(
        `unable to parse requirement: empty requirement in "${selector}"`,
      );
    }
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set) {
      const [, key, op, list] = set;
      checkKey(key, part);
      const values = list.split(',').map(v => v.trim());
      if (
        values.length === 0 ||
        (values.some(v => v === '') && values.length > 1)
      ) {
        throw new InvalidLabelSelectorError(
          `unable to parse requirement: invalid value list in "${part}"`,
        );
      }
      values.forEach(v => checkValue(v, part));
      return { key, op: op as 'in' | 'notin', values };
    }
    const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (cmp) {
      const [, key, op, value] = cmp;
      checkKey(key, part);
      checkValue(value, part);
      return { key, op: op === '!=' ? 'neq' : 'eq', value };
    }
    const notExists = /^!\s*(\S+)$/.exec(part);
    if (notExists) {
      checkKey(notExists[1], part);
      return { key: notExists[1], op: 'notexists' };
    }
    checkKey(part, part);
    return { key: part, op: 'exists' };
  });
}

/** True when `labels` satisfy every requirement (Kubernetes semantics: `!=` and `notin` match a missing label). */
export function matchesLabelSelector(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      default:
        return false;
    }
  });
}
