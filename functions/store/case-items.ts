import * as z from 'zod';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import type { CaseSummary } from './case-summary';
import { caseSummarySchema } from './case-summary';
import { TABLE, keys } from './table';

export type Item = Record<string, unknown>;

/** The key attributes of the table and its indexes, which no stored shape carries. */
const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE.partitionKey,
  TABLE.sortKey,
  ...Object.values(TABLE.indexes).flatMap((index) => [index.partitionKey, index.sortKey]),
]);

/** An item without its keys, its entity tag and the notice number copied out for the indexes. */
export function withoutKeys(item: Item): Item {
  return Object.fromEntries(
    Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name) && name !== 'entity' && name !== 'noticeNumber'),
  );
}

/**
 * A case as stored: its record, listed in the status, area and reporter indexes, and under the day its
 * chain head last moved (every write of a case item carries a new event, whose time is `updatedAt`).
 */
export function caseItem(record: CaseRecord): Item {
  return {
    ...keys.case(record.id),
    ...keys.headChangedIndex(record.updatedAt, record.id),
    ...keys.statusIndex(record.status, record.dueAt, record.id),
    ...keys.areaIndex(record.location.subdistrict, record.reportedAt, record.id),
    ...keys.reporterIndex(record.reporterSub, record.reportedAt, record.id),
    entity: 'case',
    ...record,
    ...(record.notice ? { noticeNumber: record.notice.number } : {}),
  };
}

export function eventItem(event: CaseEvent): Item {
  return { ...keys.event(event.caseId, event.seq), entity: 'event', ...event };
}

/** A list item as the indexes project it: the notice number is copied out of `notice` for lists and exports. */
export function summaryOfItem(item: Item): CaseSummary {
  const { noticeNumber } = item;
  return caseSummarySchema.parse({
    ...withoutKeys(item),
    ...(typeof noticeNumber === 'string' ? { noticeNumber } : {}),
  });
}

export const idempotencyRecordSchema = z.object({
  key: z.string(),
  requestHash: z.string(),
  caseId: z.string(),
  createdAt: z.string(),
  expiresAt: z.number().int(),
});
export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;
