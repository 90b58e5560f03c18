import { makeCaseActions, makeDeadlineActions } from '#app/case-actions';
import type { ActionDeps, DeadlineDeps } from '#app/context';
import type { Viewer } from '#app/case-view';
import type { CaseRecord } from '#domain/schemas';
import type { AnyRoute } from '../routes';
import type * as routes from '../routes';
import type { Operation, OperationInput } from '../route-pipeline';
import type { ApiResult } from '../http';
import { requireViewer } from '../route-pipeline';
import { invalidInput } from '../problem';
import { versionFromIfMatch } from '../request-schemas';
import { caseResult } from './case-result';

/** The version an action was decided on: `expectedVersion` in the body or `If-Match`; they must agree. */
function pinnedVersion(
  input: OperationInput<AnyRoute> & { body: { expectedVersion?: number }; headers: { 'If-Match'?: string } },
): number | undefined {
  const fromHeader = versionFromIfMatch(input.headers['If-Match']);
  const fromBody = input.body.expectedVersion;
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    throw invalidInput([
      {
        field: 'If-Match',
        in: 'header',
        message: `names version ${fromHeader} but expectedVersion in the body is ${fromBody}`,
      },
    ]);
  }
  return fromBody ?? fromHeader;
}

/** An action route's operation: who asks, about which case, with the body's fields and the pinned version. */
function caseAction<R extends AnyRoute>(
  run: (
    viewer: Viewer,
    caseId: string,
    input: OperationInput<R>['body'] & { expectedVersion: number | undefined },
  ) => Promise<CaseRecord>,
): (
  input: OperationInput<R> & {
    params: { id: string };
    body: { expectedVersion?: number };
    headers: { 'If-Match'?: string };
  },
) => Promise<ApiResult> {
  return async (input) =>
    caseResult(
      await run(requireViewer(input), input.params.id, { ...input.body, expectedVersion: pinnedVersion(input) }),
    );
}

/** The officer and enforcer actions on a case (`POST /cases/{id}/…`) that compute no deadline. */
export function actionOperations(deps: ActionDeps): {
  recordInspection: Operation<typeof routes.recordInspection>;
  recordRepresentation: Operation<typeof routes.recordRepresentation>;
  recordAppeal: Operation<typeof routes.recordAppeal>;
  recordEnforcement: Operation<typeof routes.recordEnforcement>;
  dismissCase: Operation<typeof routes.dismissCase>;
} {
  const actions = makeCaseActions(deps);
  return {
    recordInspection: caseAction<typeof routes.recordInspection>(actions.recordInspection),
    recordRepresentation: caseAction<typeof routes.recordRepresentation>(actions.recordRepresentation),
    recordAppeal: caseAction<typeof routes.recordAppeal>(actions.recordAppeal),
    recordEnforcement: caseAction<typeof routes.recordEnforcement>(actions.recordEnforcement),
    dismissCase: caseAction<typeof routes.dismissCase>(actions.dismiss),
  };
}

/** The actions that compute deadlines: an extension, a service, a resume (`POST /cases/{id}/extensions`, `…/service`, `…/resume`). */
export function deadlineActionOperations(deps: ActionDeps & DeadlineDeps): {
  grantExtension: Operation<typeof routes.grantExtension>;
  recordService: Operation<typeof routes.recordService>;
  resumeCase: Operation<typeof routes.resumeCase>;
} {
  const actions = makeDeadlineActions(deps);
  return {
    grantExtension: caseAction<typeof routes.grantExtension>(actions.grantExtension),
    recordService: caseAction<typeof routes.recordService>(actions.recordService),
    resumeCase: caseAction<typeof routes.resumeCase>(actions.resume),
  };
}
