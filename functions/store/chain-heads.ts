import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { TABLE, keys } from './table';

/** DynamoDB answers at most 100 keys per BatchGetItem. */
const BATCH_GET_LIMIT = 100;
/** Unprocessed keys (throttling) are asked for again, a few times, with a growing pause. */
const BATCH_GET_ATTEMPTS = 6;

const headSchema = z.object({
  id: z.string(),
  lastSeq: z.number().int(),
  lastHash: z.string(),
  updatedAt: z.string(),
});
export type ChainHead = z.infer<typeof headSchema>;

/**
 * The chain heads the digests anchor: which cases' heads moved on a day (the keys-only index every case
 * write keeps), and each one's head as the case item records it now.
 */
export class ChainHeads {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The ids of the cases whose latest event fell on `utcDay` (YYYY-MM-DD), page by page. */
  async *changedOn(utcDay: string): AsyncGenerator<string> {
    const index = TABLE.indexes.byHeadChangedDay;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :day`,
          ExpressionAttributeValues: { ':day': keys.headChangedPartition(utcDay) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const id = item[index.sortKey];
        if (typeof id === 'string') yield id;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** The heads of these cases, read consistently, 100 a request; a case that is not stored is absent. */
  async headsOf(ids: readonly string[]): Promise<ChainHead[]> {
    const heads: ChainHead[] = [];
    for (let from = 0; from < ids.length; from += BATCH_GET_LIMIT) {
      let wanted: Record<string, unknown>[] = ids.slice(from, from + BATCH_GET_LIMIT).map((id) => keys.case(id));
      for (let attempt = 1; wanted.length; attempt += 1) {
        if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`${wanted.length} case heads stayed unread after throttling`);
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const answer = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: wanted,
                ConsistentRead: true,
                ProjectionExpression: 'id, lastSeq, lastHash, updatedAt',
              },
            },
          }),
        );
        heads.push(...(answer.Responses?.[this.tableName] ?? []).map((item) => headSchema.parse(item)));
        wanted = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return heads;
  }
}
