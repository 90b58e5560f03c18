import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import type { IdempotencyRecord } from './case-items';
import { caseItem, eventItem, idempotencyRecordSchema, withoutKeys } from './case-items';
import {
  AddressCasesChangedError,
  AlreadyExistsError,
  BatchEntriesRefusedError,
  IdempotencyKeyTakenError,
} from './errors';
import { MAX_CASES_PER_TRANSACTION, keys } from './table';
import type { LabelledWrite } from './transaction';
import { cancellationReasons, transactionOf } from './transaction';

export type { IdempotencyRecord } from './case-items';

/** A case created in a batch: its record, first event, idempotency record, and the digest of its address. */
export interface NewCase {
  record: CaseRecord;
  firstEvent: CaseEvent;
  idempotency: IdempotencyRecord;
  addressKey: string;
}

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

/** The writes of one new case, by what they are. */
const WRITE = { case: 'case', firstEvent: 'first event', idempotency: 'idempotency', address: 'address' } as const;
const entryLabel = (entry: number, write: string) => `entry ${entry}: ${write}`;

/**
 * The writes that bring a case into the table: the case with its first event, its idempotency record,
 * the address's list of cases and the registry of areas, singly or a batch in one transaction. Reading and
 * changing a case afterwards is the case store's job (case-store.ts).
 */
export class CaseIntakeStore {
  private readonly registeredAreas = new Set<string>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

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
    const writes = this.newCaseWrites(record, firstEvent, idempotency, options.address);
    try {
      await this.doc.send(transactionOf(writes));
    } catch (error) {
      const reasons = cancellationReasons(error, writes);
      if (reasons) {
        const idempotencyCode = reasons.get(WRITE.idempotency);
        if (idempotency && idempotencyCode === 'ConditionalCheckFailed')
          throw new IdempotencyKeyTakenError(idempotency.key);
        // A report at the same address committing at the same moment shows as a conflict on its item.
        const addressCode = reasons.get(WRITE.address);
        const keyInFlight = idempotencyCode === 'TransactionConflict';
        if (
          options.address &&
          (addressCode === 'ConditionalCheckFailed' || (addressCode === 'TransactionConflict' && !keyInFlight))
        ) {
          throw new AddressCasesChangedError(options.address.addressKey);
        }
        if ([...reasons.values()].includes('ConditionalCheckFailed'))
          throw new AlreadyExistsError(`case ${record.id} already exists`);
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
    const writes = entries.flatMap((entry, i) =>
      this.newCaseWrites(entry.record, entry.firstEvent, entry.idempotency, { addressKey: entry.addressKey }).map(
        ({ label, write }) => ({ label: entryLabel(i, label), write }),
      ),
    );
    try {
      await this.doc.send(transactionOf(writes));
    } catch (error) {
      const reasons = cancellationReasons(error, writes);
      if (reasons) {
        const refused = entries
          .map((_, i) => i)
          .filter((i) =>
            Object.values(WRITE).some((write) => {
              const code = reasons.get(entryLabel(i, write));
              return code !== undefined && code !== 'None';
            }),
          );
        const codes = new Set([...reasons.values()].filter((code) => code !== 'None'));
        if (refused.length) throw new BatchEntriesRefusedError(refused, [...codes]);
      }
      throw error;
    }
  }

  /**
   * The writes that create a case, each on condition it is new: the case, its first event, the
   * idempotency record (when given) and the address's list with the case added (when given).
   */
  private newCaseWrites(
    record: CaseRecord,
    firstEvent: CaseEvent,
    idempotency?: IdempotencyRecord,
    address?: NewCaseAddress,
  ): LabelledWrite[] {
    const isNew = 'attribute_not_exists(PK)';
    const put = (label: string, Item: Record<string, unknown>): LabelledWrite => ({
      label,
      write: { Put: { TableName: this.tableName, Item, ConditionExpression: isNew } },
    });
    return [
      put(WRITE.case, caseItem(record)),
      put(WRITE.firstEvent, eventItem(firstEvent)),
      ...(idempotency
        ? [put(WRITE.idempotency, { ...keys.idempotency(idempotency.key), entity: 'idempotency', ...idempotency })]
        : []),
      ...(address ? [this.addressCasesPut(address, record.id)] : []),
    ];
  }

  /** The address's list with the new case added, if the list is still the one the intake read. */
  private addressCasesPut({ addressKey, known }: NewCaseAddress, caseId: string): LabelledWrite {
    const next: AddressCases = {
      count: (known?.count ?? 0) + 1,
      caseIds: [...(known?.caseIds ?? []), caseId].slice(-ADDRESS_CASES_KEPT),
    };
    return {
      label: WRITE.address,
      write: {
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
      },
    };
  }

  async getIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.idempotency(key), ConsistentRead: true }),
    );
    return result.Item ? idempotencyRecordSchema.parse(withoutKeys(result.Item)) : undefined;
  }

  /** The cases reported at an address, or undefined when none was. */
  async addressCases(addressKey: string): Promise<AddressCases | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.addressCases(addressKey), ConsistentRead: true }),
    );
    return result.Item ? addressCasesSchema.parse(withoutKeys(result.Item)) : undefined;
  }

  private async registerArea(subdistrict: string, community: string): Promise<void> {
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
}
