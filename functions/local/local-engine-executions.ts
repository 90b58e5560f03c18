import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { keys } from '#store/table';
import { phaseInputSchema } from '#tasks/task-kit';
import type { PhaseInput } from '#workflow/engine';

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionOutcome {
  name: string;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
}

const executionItemSchema = z.object({
  name: z.string(),
  input: phaseInputSchema,
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED']),
  error: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  cause: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
});

/**
 * The local engine's executions, recorded in the case table by name (Query, never Scan): a name starts
 * once, as in Step Functions, and the open ones are listed apart so a restarted engine resumes them.
 */
export class ExecutionRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records a new running execution; false when one of that name was ever started. */
  async recordStart(name: string, input: PhaseInput): Promise<boolean> {
    const startedAt = new Date().toISOString();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.localExecution(name),
                  entity: 'local-execution',
                  name,
                  input,
                  status: 'RUNNING',
                  startedAt,
                },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.openLocalExecution(name), entity: 'local-execution-open', name, input, startedAt },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'TransactionCanceledException') return false;
      throw error;
    }
    return true;
  }

  async get(name: string) {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.localExecution(name), ConsistentRead: true }),
    );
    return result.Item ? executionItemSchema.parse(result.Item) : undefined;
  }

  /** Every execution recorded as running, page by page. */
  async *open(): AsyncGenerator<{ name: string; input: PhaseInput }> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.openLocalExecutionsPartition },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) yield z.object({ name: z.string(), input: phaseInputSchema }).parse(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async recordEnd(name: string, outcome: ExecutionOutcome): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.localExecution(name),
        UpdateExpression: 'SET #status = :status, stoppedAt = :at, #error = :error, #cause = :cause',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#cause': 'cause' },
        ExpressionAttributeValues: {
          ':status': outcome.status,
          ':at': new Date().toISOString(),
          ':error': outcome.error ?? null,
          ':cause': outcome.cause ?? null,
        },
      }),
    );
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.openLocalExecution(name) }));
  }
}
