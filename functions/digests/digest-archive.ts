import * as z from 'zod';
import { S3ObjectStore, s3Client } from '#objects/s3-object-store';
import { parseEnv } from '#shared/env';
import { kmsDigestSignerFromEnv } from './kms-digest-signer';

const digestBucketEnv = z.object({ DIGEST_BUCKET: z.string().min(3) });

/** The digests' own bucket (Object Lock COMPLIANCE), from DIGEST_BUCKET: the same store, another bucket. */
export function digestArchiveFromEnv(env: NodeJS.ProcessEnv = process.env): S3ObjectStore {
  return new S3ObjectStore(s3Client(env), parseEnv(digestBucketEnv, env).DIGEST_BUCKET);
}

/** What a route that writes digests builds: the digest bucket and the KMS key that signs. */
export function digestSigningFromEnv(env: NodeJS.ProcessEnv = process.env) {
  return { archive: digestArchiveFromEnv(env), signer: kmsDigestSignerFromEnv(env) };
}

/** What a route that checks digests builds: the digest bucket and the KMS key's public half. */
export function digestCheckingFromEnv(env: NodeJS.ProcessEnv = process.env) {
  return { archive: digestArchiveFromEnv(env), publicKey: kmsDigestSignerFromEnv(env) };
}
