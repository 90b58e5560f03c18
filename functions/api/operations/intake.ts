import { makeCaseIntake } from '../../app/report-case';
import type { Operation } from '../handler';
import { requireViewer } from '../handler';
import type * as routes from '../routes';
import type { ApiDeps } from './index';

/** `POST /cases`. */
export function createCaseOperation(deps: ApiDeps): Operation<typeof routes.createCase> {
  const intake = makeCaseIntake(deps);
  return async (input) => {
    const viewer = requireViewer(input);
    const result = await intake.submit({ actor: { sub: viewer.sub, role: viewer.role }, idempotencyKey: input.headers['Idempotency-Key'], submission: input.body });
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
