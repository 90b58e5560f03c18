import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ObjectConflictError, ObjectTooLargeError } from '#objects/object-store';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { freshBucket } from '#test/support/objects';

/** The object store on the run's local S3 (s3rver), as the stack and the handlers use it. */
let bucket: Awaited<ReturnType<typeof freshBucket>>;
beforeAll(async () => {
  bucket = await freshBucket('objects');
});
afterAll(() => bucket.close());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the S3 object store', () => {
  it('stores bytes unchanged and reports their size and SHA-256', async () => {
    const body = randomBytes(300_000);
    const facts = await bucket.objects.putImmutable('t/one.bin', body, { contentType: 'application/octet-stream' });
    expect(facts).toEqual({
      key: 't/one.bin',
      size: 300_000,
      sha256: sha256(body),
      contentType: 'application/octet-stream',
    });
    expect(await bucket.objects.head('t/one.bin')).toEqual({
      key: 't/one.bin',
      metadata: {},
      size: 300_000,
      sha256: sha256(body),
      contentType: 'application/octet-stream',
    });
    // Without WHEN_REQUIRED checksums the body would be stored with aws-chunked framing around it.
    expect(Buffer.from(await bucket.objects.getBytes('t/one.bin', { maxBytes: 1_000_000 })).equals(body)).toBe(true);
    expect(await bucket.objects.digest('t/one.bin')).toEqual({ size: 300_000, sha256: sha256(body) });
  });

  it('keeps the metadata its writer stores and lists the keys under a prefix in key order', async () => {
    for (const name of ['b', 'a', 'c'])
      await bucket.objects.putImmutable(`listed/${name}.json`, Buffer.from(name), {
        contentType: 'application/json',
        metadata: { signature: `signed-${name}` },
      });
    await bucket.objects.putImmutable('listed-not/x.json', Buffer.from('x'), { contentType: 'application/json' });
    expect(await bucket.objects.head('listed/b.json')).toMatchObject({ metadata: { signature: 'signed-b' } });
    const keys: string[] = [];
    for await (const key of bucket.objects.keys('listed/')) keys.push(key);
    expect(keys).toEqual(['listed/a.json', 'listed/b.json', 'listed/c.json']);
  });

  it('takes the same bytes again and refuses other bytes under a written key', async () => {
    const body = Buffer.from('first');
    await bucket.objects.putImmutable('t/immutable.txt', body, { contentType: 'text/plain' });
    await expect(
      bucket.objects.putImmutable('t/immutable.txt', Buffer.from('first'), { contentType: 'text/plain' }),
    ).resolves.toMatchObject({ sha256: sha256(body) });
    await expect(
      bucket.objects.putImmutable('t/immutable.txt', Buffer.from('second'), { contentType: 'text/plain' }),
    ).rejects.toBeInstanceOf(ObjectConflictError);
    expect(Buffer.from(await bucket.objects.getBytes('t/immutable.txt', { maxBytes: 100 })).toString()).toBe('first');
  });

  it('answers a missing key with undefined, not an error', async () => {
    expect(await bucket.objects.head('t/never-written')).toBeUndefined();
    expect(await bucket.objects.digest('t/never-written')).toBeUndefined();
  });

  it('refuses to read into memory an object over the limit it is given', async () => {
    await bucket.objects.putImmutable('t/large.bin', randomBytes(2_000), { contentType: 'application/octet-stream' });
    await expect(bucket.objects.getBytes('t/large.bin', { maxBytes: 1_999 })).rejects.toBeInstanceOf(
      ObjectTooLargeError,
    );
  });

  it('hands out a presigned PUT bound to the content type and length, which a plain fetch uploads through', async () => {
    const body = randomBytes(50_000);
    const put = await bucket.objects.presignPut('t/uploaded.jpg', {
      contentType: 'image/jpeg',
      contentLength: body.byteLength,
      expiresInSeconds: 60,
    });
    const signed = new URL(put.url).searchParams.get('X-Amz-SignedHeaders')?.split(';');
    // S3 refuses an upload whose signed headers differ: another type, another length, an overwrite.
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host', 'if-none-match']));
    expect(new URL(put.url).searchParams.get('X-Amz-Expires')).toBe('60');
    expect(put.url).not.toContain('x-amz-checksum');
    const uploaded = await fetch(put.url, { method: 'PUT', headers: put.headers, body });
    expect(uploaded.status).toBe(200);
    expect(await bucket.objects.head('t/uploaded.jpg')).toEqual({
      key: 't/uploaded.jpg',
      metadata: {},
      size: body.byteLength,
      contentType: 'image/jpeg',
    });
    expect(await bucket.objects.digest('t/uploaded.jpg')).toEqual({ size: body.byteLength, sha256: sha256(body) });
  });

  it('hands out presigned GETs that download the bytes and stop working once expired', async () => {
    const body = Buffer.from('证据 evidence');
    await bucket.objects.putImmutable('t/download.txt', body, { contentType: 'text/plain; charset=utf-8' });
    const get = await bucket.objects.presignGet('t/download.txt', { expiresInSeconds: 1, fileName: '现场照片.txt' });
    const downloaded = await fetch(get.url);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get('content-disposition')).toContain(encodeURIComponent('现场照片.txt'));
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(body)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await fetch(get.url)).status).toBe(403);
  });

  it('computes the digest of what is stored now, so bytes replaced behind its back show', async () => {
    const body = Buffer.from('original photo');
    const facts = await bucket.objects.putImmutable('t/tampered.jpg', body, { contentType: 'image/jpeg' });
    await bucket.s3.send(
      new PutObjectCommand({ Bucket: bucket.bucket, Key: 't/tampered.jpg', Body: Buffer.from('replaced photo') }),
    );
    const now = await bucket.objects.digest('t/tampered.jpg');
    expect(now?.sha256).not.toBe(facts.sha256);
    expect(now?.sha256).toBe(sha256(Buffer.from('replaced photo')));
  });
});

describe('the object store of a Lambda entry', () => {
  it('is the bucket OBJECT_BUCKET names, and a cold start without it fails naming the variable', async () => {
    expect(() => objectStoreFromEnv({})).toThrow(/OBJECT_BUCKET/);
    const fromEnv = objectStoreFromEnv({ ...process.env, OBJECT_BUCKET: bucket.bucket });
    await bucket.objects.putImmutable('t/from-env.txt', Buffer.from('seen'), { contentType: 'text/plain' });
    expect(await fromEnv.head('t/from-env.txt')).toMatchObject({ size: 4 });
  });
});

describe('the local S3 server', () => {
  it('keeps its files readable by this user only', async () => {
    await bucket.objects.putImmutable('t/private.txt', Buffer.from('personal data'), { contentType: 'text/plain' });
    const root = process.env.RECTIFY_TEST_OBJECTS_DIR;
    expect(root).toBeDefined();
    const entries = readdirSync(root as string, { recursive: true }).map((name) =>
      path.join(root as string, String(name)),
    );
    expect(entries.length).toBeGreaterThan(0);
    const open = entries.filter((entry) => (statSync(entry).mode & 0o077) !== 0);
    expect(open).toEqual([]);
  });
});
