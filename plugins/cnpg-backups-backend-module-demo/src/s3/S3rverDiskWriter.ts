/*
 * DEMO ONLY: writes objects straight into the on-disk store of s3rver (npm `s3rver` 3.7), so that objects can
 * carry PAST LastModified dates. Seeding through PutObject cannot do that: s3rver sets LastModified to the
 * time of the PUT.
 *
 * What s3rver's FilesystemStore does (read in node_modules/s3rver/lib/stores/filesystem.js, v3.7.1):
 * - An object `<bucket>/<dir>/<name>` is the file `<root>/<bucket>/<dir>/<name>._S3rver_object`, next to
 *   `<name>._S3rver_object.md5` (hex MD5, served as the ETag) and `<name>._S3rver_metadata.json` (stored
 *   headers such as content-type; x-amz-meta-*). Key segments are plain directories (on Linux, no escaping).
 * - LastModified is NOT stored: getMetadata() returns `stat.mtime` of the `._S3rver_object` file, and
 *   Content-Length is `stat.size`. So `fs.utimes()` on the object file sets LastModified (second precision
 *   in the S3 XML), and the file size is the object size.
 * - A bucket is a directory `<root>/<bucket>`; its CreationDate is the directory's birthtime.
 * - Listing walks the directories in sorted order and reads those three files per key, on every request;
 *   writing files while s3rver runs is safe.
 * To give objects realistic sizes without using disk space, a body can be padded to `size` with a sparse
 * hole (ftruncate): LIST and HEAD show the realistic size; a GET returns the body followed by zero bytes.
 * The .md5 file holds the MD5 of the actual bytes written, unless the object was padded (then it is the MD5
 * of the short body: the ETag is only an identifier here, nothing in this project validates it).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One object to write into the s3rver store. */
export type DiskObject = {
  bucket: string;
  /** Object key, e.g. `cnpg/payments-db/wals/0000000100000000/000000010000000000000001.gz`. */
  key: string;
  body: Buffer | string;
  /** Reported size; larger than the body pads it with a sparse hole. Default: the body length. */
  size?: number;
  lastModified: Date;
  /** Stored Content-Type; omitted = s3rver's default binary/octet-stream (no metadata file is written). */
  contentType?: string;
};

/** Where the demo writes its archive objects: s3rver's disk store, or memory (tests). */
export interface ObjectWriter {
  readonly objectCount: number;
  ensureBucket(bucket: string): void;
  put(object: DiskObject): void;
  delete(bucket: string, key: string): void;
}

/** Writes objects in s3rver's filesystem-store format. */
export class S3rverDiskWriter implements ObjectWriter {
  readonly #root: string;
  readonly #dirs = new Set<string>();
  #written = 0;

  constructor(rootDirectory: string) {
    this.#root = rootDirectory;
  }

  /** Number of objects written so far. */
  get objectCount(): number {
    return this.#written;
  }

  ensureBucket(bucket: string): void {
    fs.mkdirSync(path.join(this.#root, bucket), { recursive: true });
  }

  #paths(bucket: string, key: string) {
    if (
      key.split('/').some(p => p === '..' || p === '.') ||
      key.startsWith('/')
    ) {
      throw new Error(`Refusing unsafe object key ${key}`);
    }
    const parts = key.split('/');
    const name = parts.pop()!;
    const dir = path.join(this.#root, bucket, ...parts);
    return {
      dir,
      object: path.join(dir, `${name}._S3rver_object`),
      md5: path.join(dir, `${name}._S3rver_object.md5`),
      metadata: path.join(dir, `${name}._S3rver_metadata.json`),
    };
  }

  /** Writes one object (synchronously: seeding thousands of small files is faster without promise overhead). */
  put(object: DiskObject): void {
    const p = this.#paths(object.bucket, object.key);
    if (!this.#dirs.has(p.dir)) {
      fs.mkdirSync(p.dir, { recursive: true });
      this.#dirs.add(p.dir);
    }
    const body =
      typeof object.body === 'string'
        ? Buffer.from(object.body, 'utf8')
        : object.body;
    const fd = fs.openSync(p.object, 'w');
    try {
      fs.writeSync(fd, body);
      if (object.size !== undefined && object.size > body.length)
        fs.ftruncateSync(fd, object.size);
    } finally {
      fs.closeSync(fd);
    }
    fs.writeFileSync(p.md5, createHash('md5').update(body).digest('hex'));
    // Without a metadata file s3rver serves Content-Type binary/octet-stream (what barman's boto3 uploads get).
    if (object.contentType) {
      fs.writeFileSync(
        p.metadata,
        JSON.stringify({ 'content-type': object.contentType }, null, 2),
      );
    }
    fs.utimesSync(p.object, object.lastModified, object.lastModified);
    this.#written += 1;
  }

  /** Deletes one object (no error when missing). */
  delete(bucket: string, key: string): void {
    const p = this.#paths(bucket, key);
    for (const file of [p.object, p.md5, p.metadata])
      fs.rmSync(file, { force: true });
    this.#written -= 1;
  }
}
