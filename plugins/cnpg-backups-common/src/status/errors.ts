/*
 * Errors are data: the pure helpers over the SourceErrors of a status.
 */
import type { SourceError } from './types';

/** Drops exact duplicate errors (the same S3 failure seen by two parallel requests), keeping order. @public */
export function uniqueErrors(errors: readonly SourceError[]): SourceError[] {
  const seen = new Set<string>();
  return errors.filter(e => {
    const key = `${e.source}|${e.name}|${e.message}|${e.target ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
