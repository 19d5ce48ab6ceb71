import type express from 'express';

/** A response body serialised once: the UTF-8 JSON and its (weak) entity tag. @public */
export interface PreSerializedJson {
  body: Buffer;
  etag: string;
}

/**
 * The serialised form of a response body when a cache already made one (same bytes and ETag
 * as serialising it again), else undefined. Wired by plugin.ts to the status cache. @public
 */
export type PreSerializedLookup = (
  body: unknown,
) => PreSerializedJson | undefined;

/** Sends JSON, reusing the text a cache already serialised (a warm status is ~36 KB). */
export function sendJson(
  res: express.Response,
  body: unknown,
  preSerialized?: PreSerializedLookup,
): void {
  const cached = preSerialized?.(body);
  if (cached === undefined) {
    res.json(body);
    return;
  }
  // With the ETag set, express neither hashes the body again nor skips its 304 handling.
  res.set('Content-Type', 'application/json; charset=utf-8');
  res.set('ETag', cached.etag);
  res.send(cached.body);
}
