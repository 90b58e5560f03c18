/**
 * The object store port: files kept beside the case table (evidence, rendered documents, large exports).
 * The services see this interface only; functions/objects/s3-object-store.ts is its S3 implementation,
 * in AWS and against the local S3-compatible server alike.
 */

/** What the store says about one stored object. */
export interface ObjectFacts {
  key: string;
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  contentType: string;
}

export interface PutOptions {
  contentType: string;
  /** Kept with the object (x-amz-meta-*) and answered by head, besides the SHA-256. */
  metadata?: Record<string, string>;
  /**
   * Locks this object only until then instead of the bucket's default retention (a temporary file such
   * as an export; the bucket's lifecycle removes it afterwards).
   */
  retainUntil?: Date;
}

/** What a HEAD answers: the SHA-256 only when the writer stored it (a presigned upload stores none). */
export interface ObjectHead {
  key: string;
  size: number;
  contentType?: string;
  sha256?: string;
  /** The user metadata its writer stored with it (x-amz-meta-*), besides the SHA-256. */
  metadata: Record<string, string>;
}

/** A presigned request: the method, the URL and the headers the client must send exactly as given. */
export interface PresignedRequest {
  method: 'PUT' | 'GET';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

export interface PresignPutOptions {
  contentType: string;
  /** The exact length the upload must have: signed, so S3 refuses any other. */
  contentLength: number;
  expiresInSeconds: number;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** The file name a browser saves the download under. */
  fileName?: string;
}

export interface ObjectStore {
  /**
   * Writes bytes under a key that must not hold other bytes already: writing the same bytes again is a
   * no-op (so a retried step is idempotent), other bytes are refused with ObjectConflictError.
   */
  putImmutable(key: string, body: Uint8Array, options: PutOptions): Promise<ObjectFacts>;
  /**
   * Writes a body too large to hold in memory under a new key, part by part as it comes (a multipart
   * upload holding only a few parts at once); its size and SHA-256 are computed on the way. A failed write
   * leaves no object (its parts are aborted).
   */
  putStream(key: string, body: AsyncIterable<Uint8Array>, options: PutOptions): Promise<ObjectFacts>;
  head(key: string): Promise<ObjectHead | undefined>;
  /** The keys under a prefix, in key order, page by page. */
  keys(prefix: string): AsyncIterable<string>;
  /** The whole object, refused with ObjectTooLargeError above `maxBytes` (read into memory). */
  getBytes(key: string, options: { maxBytes: number }): Promise<Uint8Array>;
  /** The object as a stream, for bodies too large to hold in memory. */
  getStream(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Reads the object through and hashes what is stored now (for `verify`). */
  digest(key: string): Promise<{ size: number; sha256: string } | undefined>;
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest>;
  presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest>;
  /** Removes an object nothing references (a refused upload). With versioning it is hidden, not erased. */
  delete(key: string): Promise<void>;
  /** Sets the object's tags (its current version's), replacing any it had; the bytes stay as they are. */
  tag(key: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** The object's tags (its current version's). */
  tags(key: string): Promise<Record<string, string>>;
}

export class ObjectConflictError extends Error {
  override readonly name = 'ObjectConflictError';
}

export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
}
