import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as z from 'zod';
import { REQUEST_HANDLER } from '#shared/aws-clients';
import { parseEnv } from '#shared/env';
import { SDK_MAX_ATTEMPTS } from '#shared/time-limits';
import type {
  ObjectFacts,
  ObjectHead,
  ObjectStore,
  PresignedRequest,
  PresignGetOptions,
  PresignPutOptions,
  PutOptions,
} from './object-store';
import { ObjectConflictError, ObjectTooLargeError } from './object-store';

/** A streamed write's part size: S3's smallest is 5 MiB; fewer, larger parts mean fewer requests. */
export const STREAM_PART_BYTES = 8 * 1024 * 1024;
/** Parts of a streamed write sent at the same time (each held in memory until S3 has it). */
export const STREAM_PARTS_IN_FLIGHT = 2;

/** The object metadata key under which a writer that knows the bytes stores their SHA-256 (x-amz-meta-sha256). */
const SHA256_METADATA = 'sha256';

/**
 * An S3 client for the object store. `WHEN_REQUIRED` for both checksum settings: by default SDK v3 sends
 * stream bodies aws-chunked with a trailing CRC32 and signs a CRC32 of the empty body into presigned PUT
 * URLs, which S3 then refuses for the real upload. Uploads this code makes carry their SHA-256 explicitly
 * instead (`ChecksumSHA256`), which S3 verifies. The endpoint comes from AWS_ENDPOINT_URL_S3 when set
 * (the local S3-compatible server), which only answers path-style requests.
 */
export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: REQUEST_HANDLER,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  });
}

const objectStoreEnv = z.object({ OBJECT_BUCKET: z.string().min(3) });

/** The object store of an entry whose declaration uses it: the bucket from OBJECT_BUCKET. */
export function objectStoreFromEnv(env: NodeJS.ProcessEnv = process.env): S3ObjectStore {
  return new S3ObjectStore(s3Client(env), parseEnv(objectStoreEnv, env).OBJECT_BUCKET);
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
  );
}

/** A retention of the object's own, shorter than the bucket's default (a temporary file). */
function lockedUntil(retainUntil: Date | undefined) {
  return retainUntil ? { ObjectLockMode: 'GOVERNANCE' as const, ObjectLockRetainUntilDate: retainUntil } : {};
}

function hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function* chunksOf(body: unknown): AsyncIterable<Uint8Array> {
  // In Node the SDK answers GetObject with an IncomingMessage (a Readable), itself async-iterable.
  for await (const chunk of body as Readable) yield chunk as Uint8Array;
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async putImmutable(key: string, body: Uint8Array, options: PutOptions): Promise<ObjectFacts> {
    const sha256 = hex(body);
    const facts: ObjectFacts = { key, size: body.byteLength, sha256, contentType: options.contentType };
    const existing = await this.head(key);
    if (existing) {
      if (existing.sha256 === sha256 && existing.size === body.byteLength) return facts;
      throw new ObjectConflictError(`${key} already holds other bytes`);
    }
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ContentLength: body.byteLength,
          // S3 checks the bytes against it; and a second writer racing this one is refused, not overwriting.
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          IfNoneMatch: '*',
          Metadata: { ...options.metadata, [SHA256_METADATA]: sha256 },
          ...lockedUntil(options.retainUntil),
        }),
      );
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) {
        const winner = await this.head(key);
        if (winner?.sha256 === sha256) return facts;
        throw new ObjectConflictError(`${key} already holds other bytes`, { cause: error });
      }
      throw error;
    }
    return facts;
  }

  async putStream(key: string, body: AsyncIterable<Uint8Array>, options: PutOptions): Promise<ObjectFacts> {
    const hash = createHash('sha256');
    let size = 0;
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        hash.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
    }
    const upload = new Upload({
      client: this.s3,
      partSize: STREAM_PART_BYTES,
      queueSize: STREAM_PARTS_IN_FLIGHT,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(hashed()),
        ContentType: options.contentType,
        // Each part carries its SHA-256, which S3 checks (and which Object Lock requires of every write).
        ChecksumAlgorithm: 'SHA256',
        ...lockedUntil(options.retainUntil),
      },
    });
    await upload.done();
    return { key, size, sha256: hash.digest('hex'), contentType: options.contentType };
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    try {
      const answer = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const { [SHA256_METADATA]: sha256, ...metadata } = answer.Metadata ?? {};
      return {
        key,
        metadata,
        size: answer.ContentLength ?? 0,
        ...(answer.ContentType ? { contentType: answer.ContentType } : {}),
        ...(sha256 ? { sha256 } : {}),
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async *keys(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async getBytes(key: string, options: { maxBytes: number }): Promise<Uint8Array> {
    const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if ((answer.ContentLength ?? 0) > options.maxBytes) {
      await answer.Body?.transformToWebStream().cancel();
      throw new ObjectTooLargeError(`${key} holds ${answer.ContentLength} bytes, over ${options.maxBytes}`);
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of chunksOf(answer.Body)) {
      size += chunk.byteLength;
      if (size > options.maxBytes) throw new ObjectTooLargeError(`${key} holds over ${options.maxBytes} bytes`);
      parts.push(chunk);
    }
    return Buffer.concat(parts, size);
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array>> {
    const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return chunksOf(answer.Body);
  }

  async digest(key: string): Promise<{ size: number; sha256: string } | undefined> {
    let body: AsyncIterable<Uint8Array>;
    try {
      body = await this.getStream(key);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of body) {
      size += chunk.byteLength;
      hash.update(chunk);
    }
    return { size, sha256: hash.digest('hex') };
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedRequest> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.contentLength,
      // A confirmed upload is never replaced through a URL handed out for it.
      IfNoneMatch: '*',
    });
    const headers = {
      'content-type': options.contentType,
      'content-length': String(options.contentLength),
      'if-none-match': '*',
    };
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: options.expiresInSeconds,
      // Signed as headers, so S3 refuses an upload of another type or length than the one asked for.
      signableHeaders: new Set(Object.keys(headers)),
      unhoistableHeaders: new Set(Object.keys(headers)),
    });
    return { method: 'PUT', url, headers, expiresAt: this.expiry(options.expiresInSeconds) };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.fileName
        ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(options.fileName)}` }
        : {}),
    });
    const url = await getSignedUrl(this.s3, command, { expiresIn: options.expiresInSeconds });
    return { method: 'GET', url, headers: {}, expiresAt: this.expiry(options.expiresInSeconds) };
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async tag(key: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await this.s3.send(new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet } }));
  }

  async tags(key: string): Promise<Record<string, string>> {
    const answer = await this.s3.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key }));
    return Object.fromEntries((answer.TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  }

  private expiry(seconds: number): string {
    return new Date(Date.now() + seconds * 1000).toISOString();
  }
}
