import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient, documentClient } from '#shared/aws-clients';
import { createTableInput } from '#store/table';
import { CaseStore } from '#store/case-store';

/** A fresh table for one test file, on the run's DynamoDB Local. */
export async function freshTable(label = 'test') {
  const tableName = `rectify-${label}-${randomUUID().slice(0, 8)}`;
  const client = dynamoDbClient();
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  const doc = documentClient(client);
  process.env.TABLE_NAME = tableName;
  return {
    tableName,
    client,
    doc,
    store: new CaseStore(doc, tableName),
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
