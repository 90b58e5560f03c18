import * as z from 'zod';
import type { CaseRecord } from '#domain/schemas';
import { caseRecordSchema } from '#domain/schemas';

/**
 * What the indexes project of a case: the shape of list items. Kept apart from the store so that what
 * only describes a list (the OpenAPI document, request schemas) does not pull in the DynamoDB client.
 */
export const caseSummarySchema = caseRecordSchema
  .pick({
    id: true,
    status: true,
    version: true,
    category: true,
    severity: true,
    location: true,
    areaM2: true,
    reportedAt: true,
    discoveredOn: true,
    updatedAt: true,
    dueAt: true,
    attention: true,
    closedAt: true,
    reporterSub: true,
    milestones: true,
    areaRemovedM2: true,
  })
  .extend({ noticeNumber: z.string().optional() });
export type CaseSummary = z.infer<typeof caseSummarySchema>;

/** The list item of a case read whole (the attention list reads cases, not an index). */
export function summaryOf(record: CaseRecord): CaseSummary {
  const shape = caseSummarySchema.shape;
  const picked = Object.fromEntries(Object.entries(record).filter(([key]) => Object.hasOwn(shape, key)));
  return caseSummarySchema.parse({ ...picked, ...(record.notice ? { noticeNumber: record.notice.number } : {}) });
}
