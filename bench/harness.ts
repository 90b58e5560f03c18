import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbLocal } from '#local/dynamodb-local';
import { dynamoDbClient, documentClient } from '#shared/aws-clients';
import { createTableInput } from '#store/table';
import { mapLimited } from '#shared/concurrency';
import { S3ObjectStore, s3Client } from '#objects/s3-object-store';

interface Figure {
  value: number;
  unit: string;
}
export type Figures = Record<string, Figure>;

/** What every benchmark gets: the run's DynamoDB Local and a way to make a fresh table on it. */
export interface BenchContext {
  dynamo: DynamoDbLocal;
  freshTable(
    label: string,
  ): Promise<{ tableName: string; client: ReturnType<typeof dynamoDbClient>; doc: ReturnType<typeof documentClient> }>;
  log(message: string): void;
}

export interface Benchmark {
  /** Figure names it reports, for the table even when it fails. */
  name: string;
  run(context: BenchContext): Promise<Figures>;
}

export async function makeFreshTable(label: string) {
  const tableName = `bench-${label}-${randomUUID().slice(0, 8)}`;
  const client = dynamoDbClient();
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return { tableName, client, doc: documentClient(client) };
}

export function percentile(sortedAscending: number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const index = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[index] ?? Number.NaN;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

type PutRequests = Record<string, { PutRequest: { Item: Record<string, unknown> } }[]>;

/** Writes items with BatchWriteItem, 25 a call and `inFlight` calls at once, until none is left unprocessed. */
export async function batchWriteAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  inFlight: number,
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await mapLimited(batches, inFlight, async (batch) => {
    let request: PutRequests | undefined = { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) };
    while (request && Object.keys(request).length) {
      const result = await doc.send(new BatchWriteCommand({ RequestItems: request }));
      request = result.UnprocessedItems as PutRequests | undefined;
    }
  });
}

/**
 * The object store the API's routes are bound with in a bench. The benches measure intake, actions and
 * reads, none of which touches a file, so no local S3 is started for them: a request that did reach this
 * store would fail (no endpoint is configured), which a bench would report.
 */
export function unusedObjectStore(): S3ObjectStore {
  return new S3ObjectStore(s3Client({}), 'rectify-bench-objects');
}

/** The digest routes' bucket and key, which no benchmark calls: the key itself is made only if signed with. */
export function unusedDigests() {
  const refuse = () => Promise.reject(new Error('no benchmark writes or checks digests'));
  return {
    archive: new S3ObjectStore(s3Client({}), 'rectify-bench-digests'),
    signer: { keyId: 'bench-unused', sign: refuse },
    publicKey: { publicKeyPem: refuse },
  };
}
