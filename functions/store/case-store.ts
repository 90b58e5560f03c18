import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  DeleteCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import { caseEventSchema, caseRecordSchema } from '#domain/schemas';
import type { CaseSummary } from './case-summary';
import { caseSummarySchema } from './case-summary';
import type { CaseStatus } from '#domain/vocabulary';
import { MAX_CASES_PER_TRANSACTION, TABLE, keys } from './table';
import {
  AddressCasesChangedError,
  AlreadyExistsError,
  BatchEntriesRefusedError,
  IdempotencyKeyTakenError,
  VersionConflictError,
} from './errors';
import { decodeCursor, encodeCursor, fromCursor } from './cursor';
import type { OutboxMail } from './outbox';
import { Outbox } from './outbox';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const idempotencyRecordSchema = z.object({
  key: z.string(),
  requestHash: z.string(),
  caseId: z.string(),
  createdAt: z.string(),
  expiresAt: z.number().int(),
});
export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

export type { CaseSummary } from './case-summary';

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** A case created in a batch: its record, first event, idempotency record, and the digest of its address. */
export interface NewCase {
  record: CaseRecord;
  firstEvent: CaseEvent;
  idempotency: IdempotencyRecord;
  addressKey: string;
}
const ITEMS_PER_NEW_CASE = 4;

/** How many of the cases reported at one address its item remembers (the most recent). */
const ADDRESS_CASES_KEPT = 25;

const addressCasesSchema = z.object({
  /** Every case ever reported at the address; the item's version. */
  count: z.number().int().min(1),
  /** The most recent `ADDRESS_CASES_KEPT` of them, oldest first. */
  caseIds: z.array(z.string()),
});
export type AddressCases = z.infer<typeof addressCasesSchema>;

/**
 * The address a new case is reported at, as the intake last read it: `known` undefined when it presumes
 * no case was reported there before (the common case, checked by the transaction itself).
 */
export interface NewCaseAddress {
  addressKey: string;
  known?: AddressCases;
}

/** Extra writes that must commit atomically with a case change (e.g. the notice counter). */
export interface CommitOptions {
  /** Take notice number `expected + 1` for `year`; fails as a conflict if someone took it first. */
  noticeCounter?: { year: number; expected: number };
  /** Lists the case for attention (as `flagForAttention` does), with the change. */
  attention?: { reason: string; at: string };
  extraItems?: TransactItem[];
}

const TABLE_KEY_ATTRIBUTES = ['PK', 'SK'] as const;
const STATUS_INDEX_KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK'] as const;
const AREA_INDEX_KEY_ATTRIBUTES = ['PK', 'SK', 'GSI2PK', 'GSI2SK'] as const;
const REPORTER_INDEX_KEY_ATTRIBUTES = ['PK', 'SK', 'GSI3PK', 'GSI3SK'] as const;

function stripKeys(item: Item): Item {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _g1p,
    GSI1SK: _g1s,
    GSI2PK: _g2p,
    GSI2SK: _g2s,
    GSI3PK: _g3p,
    GSI3SK: _g3s,
    entity: _e,
    noticeNumber: _n,
    ...rest
  } = item;
  return rest;
}

/** A list item as the indexes project it: the notice number is copied out of `notice` for lists and exports. */
function summaryOf(item: Item): CaseSummary {
  const { noticeNumber } = item;
  return caseSummarySchema.parse({ ...stripKeys(item), ...(typeof noticeNumber === 'string' ? { noticeNumber } : {}) });
}

function isConditionFailure(error: unknown): error is TransactionCanceledException {
  return (
    error instanceof TransactionCanceledException ||
    (error as { name?: string } | null)?.name === 'TransactionCanceledException'
  );
}

function reasonCodes(error: TransactionCanceledException): (string | undefined)[] {
  return (error.CancellationReasons ?? []).map((r) => r.Code);
}

/**
 * The case store: one DynamoDB table holding case items, their append-only events, idempotency records
 * and counters. A case write and its event are always one transaction guarded by the case version.
 */
export class CaseStore {
  private readonly registeredAreas = new Set<string>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  private caseItem(record: CaseRecord): Item {
    return {
      ...keys.case(record.id),
      ...keys.statusIndex(record.status, record.dueAt, record.id),
      ...keys.areaIndex(record.location.subdistrict, record.reportedAt, record.id),
      ...keys.reporterIndex(record.reporterSub, record.reportedAt, record.id),
      entity: 'case',
      ...record,
      ...(record.notice ? { noticeNumber: record.notice.number } : {}),
    };
  }

  private eventItem(event: CaseEvent): Item {
    return { ...keys.event(event.caseId, event.seq), entity: 'event', ...event };
  }

  /**
   * Creates a case: case item, first event, (when given) the idempotency record and (when given) the
   * address's list of cases, in one transaction. Throws IdempotencyKeyTakenError when the key exists,
   * AddressCasesChangedError when the address's list is not as `address.known` says, AlreadyExistsError
   * when the case id exists.
   */
  async createCase(
    record: CaseRecord,
    firstEvent: CaseEvent,
    idempotency?: IdempotencyRecord,
    options: { address?: NewCaseAddress } = {},
  ): Promise<void> {
    // Registered before the case, outside its transaction: concurrent reports from one community must
    // not conflict on a shared item, and an area registered without a case only reports zeros.
    await this.registerArea(record.location.subdistrict, record.location.community);
    const items = this.newCaseItems(record, firstEvent, idempotency, options.address);
    const addressAt = idempotency ? 3 : 2;
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error)) {
        const codes = reasonCodes(error);
        if (idempotency && codes[2] === 'ConditionalCheckFailed') throw new IdempotencyKeyTakenError(idempotency.key);
        // A report at the same address committing at the same moment shows as a conflict on its item.
        const addressCode = options.address ? codes[addressAt] : undefined;
        const keyInFlight = idempotency !== undefined && codes[2] === 'TransactionConflict';
        if (
          options.address &&
          (addressCode === 'ConditionalCheckFailed' || (addressCode === 'TransactionConflict' && !keyInFlight))
        ) {
          throw new AddressCasesChangedError(options.address.addressKey);
        }
        if (codes.includes('ConditionalCheckFailed')) throw new AlreadyExistsError(`case ${record.id} already exists`);
      }
      throw error;
    }
  }

  /**
   * Creates several cases in one transaction (up to 25: four items each), each with its idempotency
   * record and as the first case at its address. All are stored or none: when any entry's condition
   * fails (its key or its address taken, its id drawn twice) or another request races one of its items,
   * the transaction is refused as a whole and BatchEntriesRefusedError names the entries that caused it.
   */
  async createCases(entries: readonly NewCase[]): Promise<void> {
    if (entries.length === 0) return;
    if (entries.length > MAX_CASES_PER_TRANSACTION)
      throw new RangeError(`at most ${MAX_CASES_PER_TRANSACTION} cases per transaction, not ${entries.length}`);
    // One write per area not yet registered by this store (registerArea remembers the rest).
    for (const { record } of entries) await this.registerArea(record.location.subdistrict, record.location.community);
    const items = entries.flatMap((entry) =>
      this.newCaseItems(entry.record, entry.firstEvent, entry.idempotency, { addressKey: entry.addressKey }),
    );
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error)) {
        const codes = reasonCodes(error);
        const refused = entries
          .map((_, i) => i)
          .filter((i) =>
            codes
              .slice(i * ITEMS_PER_NEW_CASE, (i + 1) * ITEMS_PER_NEW_CASE)
              .some((code) => code !== undefined && code !== 'None'),
          );
        if (refused.length) throw new BatchEntriesRefusedError(refused);
      }
      throw error;
    }
  }

  /**
   * The writes that create a case, each on condition it is new: the case, its first event, the
   * idempotency record (when given) and the address's list with the case added (when given), in that order.
   */
  private newCaseItems(
    record: CaseRecord,
    firstEvent: CaseEvent,
    idempotency?: IdempotencyRecord,
    address?: NewCaseAddress,
  ): TransactItem[] {
    const isNew = 'attribute_not_exists(PK)';
    return [
      { Put: { TableName: this.tableName, Item: this.caseItem(record), ConditionExpression: isNew } },
      { Put: { TableName: this.tableName, Item: this.eventItem(firstEvent), ConditionExpression: isNew } },
      ...(idempotency
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.idempotency(idempotency.key), entity: 'idempotency', ...idempotency },
                ConditionExpression: isNew,
              },
            },
          ]
        : []),
      ...(address ? [this.addressCasesPut(address, record.id)] : []),
    ];
  }

  /** The address's list with the new case added, if the list is still the one the intake read. */
  private addressCasesPut({ addressKey, known }: NewCaseAddress, caseId: string): TransactItem {
    const next: AddressCases = {
      count: (known?.count ?? 0) + 1,
      caseIds: [...(known?.caseIds ?? []), caseId].slice(-ADDRESS_CASES_KEPT),
    };
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.addressCases(addressKey), entity: 'address-cases', ...next },
        ...(known
          ? {
              ConditionExpression: '#count = :known',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':known': known.count },
            }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
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
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: this.caseItem(next),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': before.version },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: this.eventItem(event),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    if (options.noticeCounter) {
      const { year, expected } = options.noticeCounter;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.noticeCounter(year), entity: 'counter', value: expected + 1 },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(PK) OR #value = :expected' : '#value = :expected',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: { ':expected': expected },
        },
      });
    }
    if (options.attention)
      items.push({ Put: { TableName: this.tableName, Item: this.attentionItem(next.id, options.attention) } });
    items.push(...(options.extraItems ?? []));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (
        isConditionFailure(error) &&
        reasonCodes(error).some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')
      ) {
        throw new VersionConflictError(before.id, before.version);
      }
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
    return result.Item ? caseRecordSchema.parse(stripKeys(result.Item)) : undefined;
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
      items: (result.Items ?? []).map((item) => caseEventSchema.parse(stripKeys(item))),
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
            attributes: STATUS_INDEX_KEY_ATTRIBUTES,
            partition: { GSI1PK: keys.statusPartition(status) },
          }),
        }),
      ),
    );
    return { items: (result.Items ?? []).map(summaryOf), cursor: encodeCursor(result.LastEvaluatedKey) };
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
            attributes: AREA_INDEX_KEY_ATTRIBUTES,
            partition: { GSI2PK: keys.areaPartition(subdistrict) },
          }),
        }),
      ),
    );
    return { items: (result.Items ?? []).map(summaryOf), cursor: encodeCursor(result.LastEvaluatedKey) };
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
    const partition = keys.reporterIndex(reporterSub, '', '').GSI3PK;
    const result = await fromCursor(options.cursor, () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} BETWEEN :from AND :to`,
          ExpressionAttributeValues: { ':pk': partition, ':from': from, ':to': `${to}#` },
          Limit: options.limit ?? 50,
          ExclusiveStartKey: decodeCursor(options.cursor, {
            attributes: REPORTER_INDEX_KEY_ATTRIBUTES,
            partition: { GSI3PK: partition },
          }),
        }),
      ),
    );
    return {
      items: (result.Items ?? []).map((i) => caseSummarySchema.parse(stripKeys(i))),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async getIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.idempotency(key), ConsistentRead: true }),
    );
    return result.Item ? idempotencyRecordSchema.parse(stripKeys(result.Item)) : undefined;
  }

  /** The last notice number taken in `year` (0 when none). */
  async noticeCounter(year: number): Promise<number> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.noticeCounter(year), ConsistentRead: true }),
    );
    const value = result.Item?.value;
    return typeof value === 'number' ? value : 0;
  }

  /** Takes the next notice number of `year` atomically (for numbers not tied to a case change). */
  async allocateNoticeNumber(year: number): Promise<number> {
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.noticeCounter(year),
        UpdateExpression: 'SET entity = :entity ADD #value :one',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':one': 1, ':entity': 'counter' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return z.number().int().parse(result.Attributes?.value);
  }

  async registerArea(subdistrict: string, community: string): Promise<void> {
    // Registry items are never removed, so one registration per area and store instance is enough.
    const area = JSON.stringify([subdistrict, community]);
    if (this.registeredAreas.has(area)) return;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.area(subdistrict, community), entity: 'area', subdistrict, community },
      }),
    );
    this.registeredAreas.add(area);
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

  /** The cases reported at an address, or undefined when none was. */
  async addressCases(addressKey: string): Promise<AddressCases | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.addressCases(addressKey), ConsistentRead: true }),
    );
    return result.Item ? addressCasesSchema.parse(stripKeys(result.Item)) : undefined;
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
