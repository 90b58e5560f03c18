import { randomUUID } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3ObjectStore, s3Client } from '#objects/s3-object-store';

/** A fresh bucket for one test file, on the run's local S3 (AWS_ENDPOINT_URL_S3). */
export async function freshBucket(label = 'test') {
  const bucket = `rectify-${label}-${randomUUID().slice(0, 8)}`;
  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  process.env.OBJECT_BUCKET = bucket;
  return { bucket, s3, objects: new S3ObjectStore(s3, bucket), close: () => s3.destroy() };
}
