/*
 * A catalog outlives its inputs: the scan cache keeps it for its TTL, statuses embed parts of
 * it. V8 makes a substring of 13 or more characters a view on the string it was cut from, and
 * a concatenation a rope over its parts, so a catalog whose `systemId` or `beginWal` was cut
 * from a backup.info text kept that whole text (~1 KB per backup, ~85 KB per 100-backup
 * catalog) alive (issue 12, found in a heap snapshot of the fleet bench).
 */

/**
 * A flat copy of `value` that references no other string (for strings kept long after the
 * text they were cut from, e.g. names from a parsed S3 listing).
 * @public
 */
export function ownString(value: string): string {
  // `' ' + value` is a rope; slicing it flattens it into a new string of its own.
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

/**
 * Replaces, in place, every string in a JSON-shaped tree of plain objects and arrays by
 * {@link ownString}'s copy (the content is unchanged). Frozen nodes are left as they are.
 * Returns the same tree.
 */
export function ownStrings<T>(tree: T): T {
  const visit = (node: unknown): void => {
    if (Object.isFrozen(node)) return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') node[i] = ownString(v);
        else if (v !== null && typeof v === 'object') visit(v);
      }
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const v = record[key];
        if (typeof v === 'string') record[key] = ownString(v);
        else if (v !== null && typeof v === 'object') visit(v);
      }
    }
  };
  visit(tree);
  return tree;
}
