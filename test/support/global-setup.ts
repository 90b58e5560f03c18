import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { startLocalS3 } from '#local/s3-local';

/**
 * One DynamoDB Local and one local S3 per test run (DynamoDB takes seconds to start); each test file
 * makes its own table and its own bucket.
 */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.RECTIFY_TEST_RUN = String(process.pid);
  // The key test files sign with (test/support/env.ts), which the local S3 must know.
  process.env.AWS_ACCESS_KEY_ID = 'local';
  const { LOCAL_PARTS_FILE } = await import('./paths');
  const dynamo = await startDynamoDbLocal({ heapMb: 512 });
  const objectsDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-test-objects-'));
  const s3 = await startLocalS3({ directory: objectsDir, buckets: [] });
  Object.assign(globalThis, { __rectifyDynamo: dynamo, __rectifyS3: s3, __rectifyObjectsDir: objectsDir });
  writeFileSync(
    LOCAL_PARTS_FILE,
    JSON.stringify({ dynamoEndpoint: dynamo.endpoint, s3Endpoint: s3.endpoint, objectsDir }),
  );
}
