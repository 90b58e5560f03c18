import { writeFileSync } from 'node:fs';
import { startDynamoDbLocal } from '#local/dynamodb-local';

/** One DynamoDB Local per test run (it takes seconds to start); each test file makes its own table. */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.RECTIFY_TEST_RUN = String(process.pid);
  const { LOCAL_PARTS_FILE } = await import('./paths');
  const dynamo = await startDynamoDbLocal({ heapMb: 512 });
  (globalThis as { __rectifyDynamo?: typeof dynamo }).__rectifyDynamo = dynamo;
  writeFileSync(LOCAL_PARTS_FILE, JSON.stringify({ dynamoEndpoint: dynamo.endpoint }));
}
