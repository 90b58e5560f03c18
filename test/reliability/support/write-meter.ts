import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient, documentClient } from '#shared/aws-clients';
import { CaseStore } from '#store/case-store';

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
  'BatchExecuteStatementCommand',
  'ExecuteStatementCommand',
  'ExecuteTransactionCommand',
]);

/**
 * A case store whose DynamoDB client counts every write it sends (and every command that writes or may
 * write through PartiQL), so a test can prove a request wrote nothing at all, not only nothing it looked for.
 */
export function meteredStore(tableName: string): {
  store: CaseStore;
  client: DynamoDBClient;
  writes: () => string[];
  reset(): void;
} {
  const client = dynamoDbClient();
  let seen: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(context.commandName ?? '')) seen.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'meterWrites' },
  );
  return {
    store: new CaseStore(documentClient(client), tableName),
    client,
    writes: () => [...seen],
    reset() {
      seen = [];
    },
  };
}
