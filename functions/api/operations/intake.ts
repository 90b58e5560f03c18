import { makeCaseIntake } from '#app/case-intake';
import { silentLogger } from '#app/context';
import { asDependencyError } from '#app/dependency-errors';
import type { Operation } from '../route-pipeline';
import { problemFor, requireViewer } from '../route-pipeline';
import type * as routes from '../routes';
import type { IntakeDeps } from '#app/context';
import { inScope } from '#app/case-view';
import { OutsideScopeError } from '#app/errors';

/** `POST /cases`. */
export function createCaseOperation(deps: IntakeDeps): Operation<typeof routes.createCase> {
  const intake = makeCaseIntake(deps);
  return async (input) => {
    const viewer = requireViewer(input);
    if (!inScope(viewer, input.body.location.subdistrict))
      throw new OutsideScopeError('location.subdistrict', input.body.location.subdistrict);
    const result = await intake.submit({
      actor: { sub: viewer.sub, role: viewer.role },
      idempotencyKey: input.headers['Idempotency-Key'],
      submission: input.body,
    });
    return {
      statusCode: result.statusCode,
      body: result.body,
      headers: {
        location: `${input.requestPath.replace(/\/+$/, '')}/${result.body.id}`,
        etag: `"${result.body.version}"`,
        ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
    };
  };
}

/** `POST /case-batches`: each submission answered in order as `POST /cases` would answer it alone. */
export function createCaseBatchOperation(deps: IntakeDeps): Operation<typeof routes.createCaseBatch> {
  const intake = makeCaseIntake(deps);
  const logger = deps.logger ?? silentLogger;
  return async (input) => {
    const viewer = requireViewer(input);
    // A submission outside the caller's sub-districts is refused alone, as POST /cases would refuse it.
    const allowed = input.body.items.filter((item) => inScope(viewer, item.submission.location.subdistrict));
    const submitted = allowed.length ? await intake.submitBatch({ sub: viewer.sub, role: viewer.role }, allowed) : [];
    const outcomes = input.body.items.map((item) =>
      inScope(viewer, item.submission.location.subdistrict)
        ? (submitted[allowed.indexOf(item)] as (typeof submitted)[number])
        : {
            idempotencyKey: item.idempotencyKey,
            error: new OutsideScopeError('location.subdistrict', item.submission.location.subdistrict),
          },
    );
    // Nothing stored and a service down: the whole request answers 503 with Retry-After, as one submission would.
    const errors = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
    if (errors.length === outcomes.length && asDependencyError(errors[0], 'database')) throw errors[0];
    const results = outcomes.map((outcome) => {
      if ('result' in outcome)
        return {
          idempotencyKey: outcome.idempotencyKey,
          status: outcome.result.statusCode,
          replayed: outcome.result.replayed,
          case: outcome.result.body,
        };
      const problem = problemFor(outcome.error, logger, input.requestId).toProblem(input.requestPath, input.requestId);
      return { idempotencyKey: outcome.idempotencyKey, status: problem.status, problem };
    });
    return { statusCode: 200, body: { results } };
  };
}
