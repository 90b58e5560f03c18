import type { z } from 'zod';
import type { CaseRecord } from '../domain/schemas';
import { caseRecordSchema, pendingCallbackSchema } from '../domain/schemas';
import type { Role } from '../domain/vocabulary';

/**
 * A case as people see it through the API: the stored case without the workflow's task token, which
 * only the workflow and the services answering it may hold.
 */
export const caseViewSchema = caseRecordSchema.extend({
  pendingCallback: pendingCallbackSchema.omit({ token: true }).optional(),
});
export type CaseView = z.infer<typeof caseViewSchema>;

export function toCaseView(record: CaseRecord): CaseView {
  const { pendingCallback, ...rest } = record;
  if (!pendingCallback) return rest;
  const { token: _token, ...visible } = pendingCallback;
  return { ...rest, pendingCallback: visible };
}

/** Who is asking, and in which role they act for this request. */
export interface Viewer {
  sub: string;
  role: Role;
}

/** Reporters see only the cases they submitted; every other role sees every case. */
export function maySee(viewer: Viewer, record: Pick<CaseRecord, 'reporterSub'>): boolean {
  return viewer.role !== 'reporter' || record.reporterSub === viewer.sub;
}
