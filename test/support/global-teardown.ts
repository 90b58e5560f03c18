import { rmSync } from 'node:fs';
import type { DynamoDbLocal } from '#local/dynamodb-local';
import { LOCAL_PARTS_FILE } from './paths';

export default async function globalTeardown(): Promise<void> {
  const dynamo = (globalThis as { __rectifyDynamo?: DynamoDbLocal }).__rectifyDynamo;
  await dynamo?.stop();
  rmSync(LOCAL_PARTS_FILE, { force: true });
}
