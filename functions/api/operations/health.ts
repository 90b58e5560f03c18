import type { Operation } from '../handler';
import type { HealthChecks } from '../health';
import { checkHealth } from '../health';
import type * as routes from '../routes';

/** `GET /health`: 200 when every part answers, 503 naming the part that does not. */
export function healthOperation(deps: { health: HealthChecks }): Operation<typeof routes.getHealth> {
  return async () => {
    const report = await checkHealth(deps.health);
    return report.status === 'ok' ? { statusCode: 200, body: report } : { statusCode: 503, body: report, headers: { 'retry-after': '5' } };
  };
}
