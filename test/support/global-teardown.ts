import { rmSync } from 'node:fs';
import type { DynamoDbLocal } from '#local/dynamodb-local';
import type { LocalS3 } from '#local/s3-local';
import { LOCAL_PARTS_FILE } from './paths';

export default async function globalTeardown(): Promise<void> {
  const parts = globalThis as { __rectifyDynamo?: DynamoDbLocal; __rectifyS3?: LocalS3; __rectifyObjectsDir?: string };
  await parts.__rectifyDynamo?.stop();
  await parts.__rectifyS3?.stop();
  if (parts.__rectifyObjectsDir) rmSync(parts.__rectifyObjectsDir, { recursive: true, force: true });
  rmSync(LOCAL_PARTS_FILE, { force: true });
}
