import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import { caseEventSchema, caseRecordSchema } from '#domain/schemas';
import type { CaseStatus } from '#domain/vocabulary';
import type { Item } from './case-items';
import { caseItem, eventItem, summaryOfItem, withoutKeys } from './case-items';
import { CaseIntakeStore } from './case-intake-store';
import { ChainHeads } from './chain-heads';
import type { CaseSummary } from './case-summary';
import { caseSummarySchema } from './case-summary';
import { decodeCursor, encodeCursor, fromCursor } from './cursor';
import { VersionConflictError } from './errors';
import type { OutboxMail } from './outbox';
import { Outbox } from './outbox';
import { TABLE, keys } from './table';
import type { LabelledWrite } from './transaction';
import { cancellationReasons, transactionOf } from './transaction';

export type { CaseSummary } from './case-summary';

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Extra writes that must commit atomically with a case change (e.g. the notice counter). */
export interface CommitOptions {
  /** Take notice number `expected + 1` for `year`; fails as a conflict if someone took it first. */
  noticeCounter?: { year: number; expected: number };
  /** Lists the case for attention (as `flagForAttention` does), with the change. */
  attention?: { reason: string; at: string };
  extraItems?: LabelledWrite[];
}

const TABLE_KEY_ATTRIBUTES = [TABLE.partitionKey, TABLE.sortKey] as const;
const indexKeyAttributes = (index: { partitionKey: string; sortKey: string }) =>
  [...TABLE_KEY_ATTRIBUTES, index.partitionKey, index.sortKey] as const;

/**
 * The case store: reads a case and its append-only history, commits each change of a case with its event
 * in one transaction guarded by the case version, lists cases by the indexes, and keeps the attention
 * list, the notice counters and the area registry. New cases come in through `intake` (case-intake-store.ts);
 * a case's emails are the outbox's (outbox.ts).
 */
export class CaseStore {
  /** The writes that bring new cases in, on the same table. */
  readonly intake: CaseIntakeStore;
  /** The chain heads that moved, by day, on the same table (what the digests anchor). */
  readonly heads: ChainHeads;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {
    this.intake = new CaseIntakeStore(doc, tableName);
    this.heads = new ChainHeads(doc, tableName);
  }

  /**
   * Stores the next state of a case and the event that produced it, if and only if the case is still
   * at `before.version`. Anything else throws VersionConflictError and writes nothing.
   */
  async commit(
    before: Pick<CaseRecord, 'id' | 'version'>,
    next: CaseRecord,
    event: CaseEvent,
    options: CommitOptions = {},
  ): Promise<void> {
    if (next.version !== before.version + 1 || event.seq !== next.lastSeq || event.hash !== next.lastHash) {
      throw new RangeError('next case state does not follow from the event being appended');
    }
    const writes: LabelledWrite[] = [
      {
        label: 'case',
        write: {
          Put: {
            TableName: this.tableName,
            Item: caseItem(next),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': before.version },
          },
        },
      },
      {
        label: 'event',
        write: {
          Put: { TableName: this.tableName, Item: eventItem(event), ConditionExpression: 'attribute_not_exists(PK)' },
        },
      },
    ];
    if (options.noticeCounter) {
      const { year, expected } = options.noticeCounter;
      writes.push({
        label: 'notice counter',
        write: {
          Put: {
            TableName: this.tableName,
            Item: { ...keys.noticeCounter(year), entity: 'counter', value: expected + 1 },
            ConditionExpression:
              expected === 0 ? 'attribute_not_exists(PK) OR #value = :expected' : '#value = :expected',
            ExpressionAttributeNames: { '#value': 'value' },
            ExpressionAttributeValues: { ':expected': expected },
          },
        },
      });
    }
    if (options.attention)
      writes.push({
        label: 'attention',
        write: { Put: { TableName: this.tableName, Item: this.attentionItem(next.id, options.attention) } },
      });
    writes.push(...(options.extraItems ?? []));
    try {
      await this.doc.send(transactionOf(writes));
    } catch (error) {
      // Whichever write was refused or raced (the case, the counter, an email's claim), what the change was
      // computed from has moved on: the caller reads again.
      const reasons = cancellationReasons(error, writes);
      if (reasons && [...reasons.values()].some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict'))
        throw new VersionConflictError(before.id, before.version);
      throw error;
    }
  }

  /**
   * Records the token of the workflow step waiting for a person, if the case is still at
   * `before.version`. Not an event: the step itself is already in the history (or is re-opened after a
   * restart). The version moves, so an action prepared against the old token fails as a conflict and
   * re-reads the case instead of answering a step that no longer waits.
   */
  async setPendingCallback(
    before: Pick<CaseRecord, 'id' | 'version'>,
    pendingCallback: NonNullable<CaseRecord['pendingCallback']>,
    at: string,
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.case(before.id),
          UpdateExpression: 'SET pendingCallback = :callback, #version = :next, updatedAt = :at',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':callback': pendingCallback,
            ':next': before.version + 1,
            ':expected': before.version,
            ':at': at,
          },
        }),
      );
    } catch (error) {
      if ((error as { name?: string } | null)?.name === 'ConditionalCheckFailedException')
        throw new VersionConflictError(before.id, before.version);
      throw error;
    }
  }

  async getCase(id: string, options: { consistent?: boolean } = {}): Promise<CaseRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.case(id), ConsistentRead: options.consistent ?? true }),
    );
    return result.Item ? caseRecordSchema.parse(withoutKeys(result.Item)) : undefined;
  }

  /** The emails recorded about a case (the outbox items beside it), in id order: one Query. */
  async emails(id: string): Promise<OutboxMail[]> {
    return new Outbox(this.doc, this.tableName).listForCase(id);
  }

  /** One page of a case's history in sequence order. */
  async history(id: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<CaseEvent>> {
    const result = await fromCursor(options.cursor, () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.case(id).PK, ':prefix': keys.eventPrefix },
          Limit: options.limit ?? 100,
          ExclusiveStartKey: decodeCursor(options.cursor, {
            attributes: TABLE_KEY_ATTRIBUTES,
            partition: { PK: keys.case(id).PK },
          }),
          ConsistentRead: true,
        }),
      ),
    );
    return {
      items: (result.Items ?? []).map((item) => caseEventSchema.parse(withoutKeys(item))),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  /** Every event of a case, page by page. */
  async *allEvents(id: string, pageSize = 200): AsyncGenerator<CaseEvent> {
    let cursor: string | undefined;
    do {
      const page = await this.history(id, { limit: pageSize, cursor });
      yield* page.items;
      cursor = page.cursor;
    } while (cursor);
  }

  /** Cases in a status, earliest running deadline first; `dueBefore` narrows to those already due. */
  async listByStatus(
    status: CaseStatus,
    options: { dueBefore?: string; withoutDeadline?: boolean; limit?: number; cursor?: string } = {},
  ): Promise<Page<CaseSummary>> {
    const index = TABLE.indexes.byStatusDue;
    const values: Item = { ':pk': keys.statusPartition(status) };
    let condition = `${index.partitionKey} = :pk`;
    if (options.dueBefore) {
      condition += ` AND ${index.sortKey} < :due`;
      values[':due'] = options.dueBefore;
    } else if (options.withoutDeadline) {
      condition += ` AND begins_with(${index.sortKey}, :none)`;
      values[':none'] = `${keys.noDeadline}#`;
    }
    const result = await fromCursor(options.cursor, () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor, {
            attributes: indexKeyAttributes(index),
            partition: { GSI1PK: keys.statusPartition(status) },
          }),
        }),
      ),
    );
    return { items: (result.Items ?? []).map(summaryOfItem), cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /**
   * Cases in a sub-district (optionally one community) reported within [from, to), newest last.
   * The community filter runs on the index page, so a page may hold fewer than `limit` items; follow the
   * cursor until it is absent.
   */
  async listByArea(
    subdistrict: string,
    options: { community?: string; from?: string; to?: string; limit?: number; cursor?: string } = {},
  ): Promise<Page<CaseSummary>> {
    const index = TABLE.indexes.byAreaReported;
    const from = options.from ?? '0000';
    const to = options.to ?? '9999';
    // A range that starts after its end (a start in year 9999) holds nothing; DynamoDB refuses a
    // BETWEEN whose bounds are reversed.
    if (from > `${to}#`) return { items: [] };
    const result = await fromCursor(options.cursor, () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} BETWEEN :from AND :to`,
          ...(options.community
            ? {
                FilterExpression: '#location.#community = :community',
                ExpressionAttributeNames: { '#location': 'location', '#community': 'community' },
              }
            : {}),
          ExpressionAttributeValues: {
            ':pk': keys.areaPartition(subdistrict),
            ':from': from,
            // '#' sorts before every id character, '~' after: [from, to) on the timestamp prefix.
            ':to': `${to}#`,
            ...(options.community ? { ':community': options.community } : {}),
          },
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor, {
            attributes: indexKeyAttributes(index),
            partition: { GSI2PK: keys.areaPartition(subdistrict) },
          }),
        }),
      ),
    );
    return { items: (result.Items ?? []).map(summaryOfItem), cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** The cases one reporter submitted, reported within [from, to), oldest first: nobody else's are read. */
  async listByReporter(
    reporterSub: string,
    options: { from?: string; to?: string; limit?: number; cursor?: string } = {},
  ): Promise<Page<CaseSummary>> {
    const index = TABLE.indexes.byReporterReported;
    const from = options.from ?? '0000';
    const to = options.to ?? '9999';
    if (from > `${to}#`) return { items: [] };
    const partition = keys.reporterPartition(reporterSub);
    const result = await fromCursor(options.cursor, () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} BETWEEN :from AND :to`,
          ExpressionAttributeValues: { ':pk': partition, ':from': from, ':to': `${to}#` },
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor, {
            attributes: indexKeyAttributes(index),
            partition: { GSI3PK: partition },
          }),
        }),
      ),
    );
    return {
      items: (result.Items ?? []).map((i) => caseSummarySchema.parse(withoutKeys(i))),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  /** The last notice number taken in `year` (0 when none). */
  async noticeCounter(year: number): Promise<number> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.noticeCounter(year), ConsistentRead: true }),
    );
    const value = result.Item?.value;
    return typeof value === 'number' ? value : 0;
  }

  /** Every sub-district and community that has reported cases. */
  async listAreas(): Promise<{ subdistrict: string; community: string }[]> {
    const areas: { subdistrict: string; community: string }[] = [];
    const itemSchema = z.object({ subdistrict: z.string(), community: z.string() });
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.areasPartition },
          ExclusiveStartKey: start,
        }),
      );
      areas.push(...(result.Items ?? []).map((i) => itemSchema.parse(i)));
      start = result.LastEvaluatedKey;
    } while (start);
    return areas;
  }

  /** Marks a case as needing a person's attention (a failed task, an overdue step). */
  async flagForAttention(id: string, reason: string, at: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.attentionItem(id, { reason, at }) }));
  }

  private attentionItem(id: string, flag: { reason: string; at: string }): Item {
    return { ...keys.attention(id), entity: 'attention', caseId: id, ...flag };
  }

  async clearAttention(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.attention(id) }));
  }

  /** Cases flagged for attention. */
  async listFlagged(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<Page<{ caseId: string; reason: string; at: string }>> {
    const result = await fromCursor(options.cursor, () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.attentionPartition },
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor, {
            attributes: TABLE_KEY_ATTRIBUTES,
            partition: { PK: keys.attentionPartition },
          }),
        }),
      ),
    );
    const itemSchema = z.object({ caseId: z.string(), reason: z.string(), at: z.string() });
    return {
      items: (result.Items ?? []).map((i) => itemSchema.parse(i)),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }
}
