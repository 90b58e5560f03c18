import { makeCaseActions, makeDeadlineActions } from '#app/case-actions';
import type { ActionDeps, DeadlineDeps } from '#app/context';
import type { AnyRoute } from '../routes';
import type * as routes from '../routes';
import type { Operation, OperationInput } from '../handler';
import { requireViewer } from '../handler';
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
    recordInspection: async (input) =>
      caseResult(
        await actions.recordInspection(requireViewer(input), input.params.id, {
          ...input.body,
          expectedVersion: pinnedVersion(input),
        }),
      ),
    recordRepresentation: async (input) =>
      caseResult(
        await actions.recordRepresentation(requireViewer(input), input.params.id, {
          ...input.body,
          expectedVersion: pinnedVersion(input),
        }),
      ),
    recordAppeal: async (input) =>
      caseResult(
        await actions.recordAppeal(requireViewer(input), input.params.id, {
          ...input.body,
          expectedVersion: pinnedVersion(input),
        }),
      ),
    recordEnforcement: async (input) =>
      caseResult(
        await actions.recordEnforcement(requireViewer(input), input.params.id, {
          ...input.body,
          expectedVersion: pinnedVersion(input),
        }),
      ),
    dismissCase: async (input) =>
      caseResult(
        await actions.dismiss(requireViewer(input), input.params.id, {
          ...input.body,
          expectedVersion: pinnedVersion(input),
        }),
      ),
  };
}

/** The actions that compute deadlines: an extension, a resume (`POST /cases/{id}/extensions`, `…/resume`). */
export function deadlineActionOperations(deps: ActionDeps & DeadlineDeps): {
  grantExtension: Operation<typeof routes.grantExtension>;
  resumeCase: Operation<typeof routes.resumeCase>;
} {
  const actions = makeDeadlineActions(deps);
  return {
    grantExtension: async (input) =>
      caseResult(
        await actions.grantExtension(requireViewer(input), input.params.id, {
          ...input.body,
          expectedVersion: pinnedVersion(input),
        }),
      ),
    resumeCase: async (input) =>
      caseResult(
        await actions.resume(requireViewer(input), input.params.id, {
          ...input.body,
          expectedVersion: pinnedVersion(input),
        }),
      ),
  };
}
