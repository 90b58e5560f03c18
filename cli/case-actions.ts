import * as z from 'zod';
import type { RectifyApi } from './api-client';
import { ApiProblem } from './api-client';

const caseHeadSchema = z.object({ id: z.string(), status: z.string(), version: z.number().int() }).loose();
export type CaseHead = z.infer<typeof caseHeadSchema>;

export interface ActionRequest {
  /** The action's path under the case: `inspections`, `extensions`, `resume`… */
  path: string;
  body: Record<string, unknown>;
  /** The version the person decided on; when absent the case is read first and its version is sent. */
  ifMatch?: number;
}

export interface ActionOutcome {
  /** The case as read before the action (absent when the person pinned the version themselves). */
  before?: CaseHead;
  after: CaseHead & Record<string, unknown>;
}

/** Why the API refused an action, in words that say what to do next; undefined for other problems. */
export class ActionConflict extends Error {
  override readonly name = 'ActionConflict';
  constructor(
    message: string,
    readonly problem: ApiProblem,
  ) {
    super(message);
  }
}

/**
 * Takes an action on a case the way a careful client does: read the case, then act with `If-Match` set
 * to the version read, so an action decided on one state of the case is never applied to another.
 */
export async function performAction(
  api: RectifyApi,
  caseId: string,
  request: ActionRequest,
): Promise<ActionOutcome & { before?: CaseHead }> {
  const casePath = `cases/${encodeURIComponent(caseId)}`;
  let before: CaseHead | undefined;
  let version = request.ifMatch;
  if (version === undefined) {
    before = caseHeadSchema.parse((await api.get(casePath)).body);
    version = before.version;
  }
  try {
    const answer = await api.post(`${casePath}/${request.path}`, request.body, { 'if-match': `"${version}"` });
    return { before, after: caseHeadSchema.parse(answer.body) };
  } catch (error) {
    throw explainConflict(error, caseId, version, before);
  }
}

function explainConflict(error: unknown, caseId: string, version: number, before: CaseHead | undefined): unknown {
  if (!(error instanceof ApiProblem) || error.status !== 409) return error;
  const now = error.problem.currentVersion;
  if (error.kind === 'version-conflict') {
    return new ActionConflict(
      `case ${caseId} changed since version ${version} was read${now !== undefined ? ` (it is at version ${now} now)` : ''}: someone or the workflow acted on it meanwhile. ` +
        `Look at it again (rectify show ${caseId}, rectify history ${caseId}) and repeat the action if it still applies.`,
      error,
    );
  }
  if (error.kind === 'transition-not-allowed') {
    const status = before ? ` case ${caseId} is ${before.status}:` : '';
    return new ActionConflict(
      `409 the procedure does not allow this now:${status} ${error.problem.reason ?? error.problem.detail ?? ''}`.trimEnd(),
      error,
    );
  }
  return error;
}
