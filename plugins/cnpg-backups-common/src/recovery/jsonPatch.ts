/*
 * A small JSON 6902 applier (add / replace / remove) used to prove that the kustomize overlay
 * turns the source Cluster into exactly the recovery Cluster.
 */
import { RecoveryPlanError } from './errors';
import type { JsonPatchOperation } from './types';

function decodePointer(path: string): string[] {
  if (!path.startsWith('/')) {
    throw new RecoveryPlanError(`JSON pointer "${path}" must start with "/"`);
  }
  return path
    .slice(1)
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Applies JSON 6902 operations to a deep copy of `document` and returns it.
 * @public
 */
export function applyJsonPatch<T>(
  document: T,
  operations: JsonPatchOperation[],
): T {
  const result = JSON.parse(JSON.stringify(document));
  for (const operation of operations) {
    const parts = decodePointer(operation.path);
    const last = parts.pop()!;
    let parent: any = result;
    for (const part of parts) {
      if (parent === null || typeof parent !== 'object' || !(part in parent)) {
        throw new RecoveryPlanError(
          `JSON patch path "${operation.path}" does not exist`,
        );
      }
      parent = parent[part];
    }
    if (parent === null || typeof parent !== 'object') {
      throw new RecoveryPlanError(
        `JSON patch path "${operation.path}" has no parent object`,
      );
    }
    const isArray = Array.isArray(parent);
    const index = last === '-' ? parent.length : Number(last);
    if (operation.op === 'remove' || operation.op === 'replace') {
      if (
        isArray ? !(index >= 0 && index < parent.length) : !(last in parent)
      ) {
        throw new RecoveryPlanError(
          `JSON patch ${operation.op} of missing path "${operation.path}"`,
        );
      }
    }
    const value =
      operation.op === 'remove'
        ? undefined
        : JSON.parse(JSON.stringify(operation.value));
    if (operation.op === 'remove') {
      if (isArray) parent.splice(index, 1);
      else delete parent[last];
    } else if (operation.op === 'add' && isArray) {
      parent.splice(index, 0, value);
    } else if (isArray) {
      parent[index] = value;
    } else {
      parent[last] = value;
    }
  }
  return result;
}
