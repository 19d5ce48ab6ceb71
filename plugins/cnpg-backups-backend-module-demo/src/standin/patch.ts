/* JSON merge patch (RFC 7386) and JSON patch (RFC 6902), as the API server applies them to custom resources. */

/** A patch document could not be applied. */
export class InvalidPatchError extends Error {
  name = 'InvalidPatchError';
}

type Json = unknown;

function isObj(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies an RFC 7386 merge patch: objects merge recursively, `null` deletes, everything else replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new InvalidPatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, path: string[]): { parent: Json; key: string } {
  let cur = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined)
      throw new InvalidPatchError(`path /${path.join('/')} does not exist`);
  }
  return { parent: cur, key: path[path.length - 1] };
}

function getAt(doc: Json, path: string[]): Json {
  let cur = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function removeAt(doc: Json, path: string[]): Json {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length))
      throw new InvalidPatchError(`index ${key} out of range`);
    return parent.splice(i, 1)[0];
  }
  if (isObj(parent) && key in parent) {
    const v = parent[key];
    delete parent[key];
    return v;
  }
  throw new InvalidPatchError(`path /${path.join('/')} does not exist`);
}

function addAt(doc: Json, path: string[], value: Json): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length))
      throw new InvalidPatchError(`index ${key} out of range`);
    parent.splice(i, 0, value);
  } else if (isObj(parent)) {
    parent[key] = value;
  } else {
    throw new InvalidPatchError(`path /${path.join('/')} does not exist`);
  }
  return doc;
}

/** Applies an RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations))
    throw new InvalidPatchError('a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const op of operations) {
    if (
      !isObj(op) ||
      typeof op.op !== 'string' ||
      typeof op.path !== 'string'
    ) {
      throw new InvalidPatchError(
        'each JSON patch operation needs "op" and "path"',
      );
    }
    const path = decodePointer(op.path);
    switch (op.op) {
      case 'add':
        doc = addAt(doc, path, structuredClone(op.value));
        break;
      case 'remove':
        removeAt(doc, path);
        break;
      case 'replace':
        if (path.length === 0) {
          doc = structuredClone(op.value);
        } else {
          removeAt(doc, path);
          doc = addAt(doc, path, structuredClone(op.value));
        }
        break;
      case 'move': {
        const from = decodePointer(String(op.from));
        const v = removeAt(doc, from);
        doc = addAt(doc, path, v);
        break;
      }
      case 'copy': {
        const v = getAt(doc, decodePointer(String(op.from)));
        if (v === undefined)
          throw new InvalidPatchError(`path ${String(op.from)} does not exist`);
        doc = addAt(doc, path, structuredClone(v));
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(op.value)) {
          throw new InvalidPatchError(`test operation failed at ${op.path}`);
        }
        break;
      default:
        throw new InvalidPatchError(`unknown JSON patch operation "${op.op}"`);
    }
  }
  return doc;
}
