import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '#local/stack';
import { Outbox } from '#store/outbox';
import { REQUEST_HANDLER, documentClient } from '#shared/aws-clients';
import { CaseStore } from '#store/case-store';

/** The case table of a running local stack, read from the outside as an auditor of the data would. */
export function stackTable(stack: Pick<LocalStack, 'tableName'> & { dynamo: { endpoint: string } }) {
  const client = new DynamoDBClient({
    endpoint: stack.dynamo.endpoint,
    maxAttempts: 3,
    requestHandler: REQUEST_HANDLER,
  });
  const doc = documentClient(client);
  return {
    client,
    doc,
    store: new CaseStore(doc, stack.tableName),
    outbox: new Outbox(doc, stack.tableName),
    close: () => client.destroy(),
  };
}
