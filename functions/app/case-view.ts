import * as z from 'zod';
import type { CaseRecord } from '#domain/schemas';
import { caseRecordSchema, pendingCallbackSchema } from '#domain/schemas';
import type { Role, ServedDocument } from '#domain/vocabulary';
import { SERVED_DOCUMENTS } from '#domain/vocabulary';
import { callDependency } from './dependency-errors';
import { CaseNotFoundError } from './errors';

/**
 * A case as people see it through the API: the stored case without the workflow's task token, which
 * only the workflow and the services answering it may hold, nor the count that names after-appeal
 * executions (the execution name itself is shown).
 */
export const caseViewSchema = caseRecordSchema.omit({ appealRound: true }).extend({
  pendingCallback: pendingCallbackSchema.omit({ token: true }).optional(),
  unservedDocuments: z.array(z.enum(SERVED_DOCUMENTS)).meta({
    description:
      'Documents issued but not yet served (送达): their periods run from the service date, which an officer records with POST /cases/{id}/service.',
  }),
});
export type CaseView = z.infer<typeof caseViewSchema>;

/** The notice and the enforcement decision, once issued, until their service is recorded. */
function unservedDocuments(record: Pick<CaseRecord, 'notice' | 'deadlines' | 'decisionService'>): ServedDocument[] {
  const unserved: ServedDocument[] = [];
  if (record.notice && !record.notice.service) unserved.push('notice');
  if (record.deadlines.announcement && !record.decisionService) unserved.push('enforcement-decision');
  return unserved;
}

export function toCaseView(record: CaseRecord): CaseView {
  const { pendingCallback, appealRound: _appealRound, ...rest } = record;
  const view = { ...rest, unservedDocuments: unservedDocuments(record) };
  if (!pendingCallback) return view;
  const { token: _token, ...visible } = pendingCallback;
  return { ...view, pendingCallback: visible };
}

/**
 * The sub-districts (街道) a person acts in: the whole city (auditors, and the city-level office), or the
 * ones their account names. An account that names none acts nowhere.
 */
export type Scope = { city: true } | { city: false; subdistricts: readonly string[] };
export const CITY_SCOPE: Scope = { city: true };

/** Who is asking, in which role they act for this request, and where. */
export interface Viewer {
  sub: string;
  role: Role;
  scope: Scope;
}

export function inScope(viewer: Pick<Viewer, 'role' | 'scope'>, subdistrict: string): boolean {
  if (viewer.role === 'auditor' || viewer.scope.city) return true;
  return viewer.scope.subdistricts.includes(subdistrict.trim());
}

/**
 * Reporters see only the cases they submitted, and everyone but auditors only the cases of their
 * sub-districts. A case they may not see is, to them, a case that does not exist (404).
 */
export function maySee(viewer: Viewer, record: Pick<CaseRecord, 'reporterSub' | 'location'>): boolean {
  if (viewer.role === 'reporter' && record.reporterSub !== viewer.sub) return false;
  return inScope(viewer, record.location.subdistrict);
}

/** Reads a case for a person: one they may not see is, to them, one that does not exist (404). */
export async function loadVisibleCase(
  store: { getCase(caseId: string): Promise<CaseRecord | undefined> },
  viewer: Viewer,
  caseId: string,
): Promise<CaseRecord> {
  const record = await callDependency('database', () => store.getCase(caseId));
  if (!record || !maySee(viewer, record)) throw new CaseNotFoundError(caseId);
  return record;
}
