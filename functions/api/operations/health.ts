import type { AppLogger } from '#app/context';
import type { Operation } from '../route-pipeline';
import type { HealthChecks } from '../health';
import { checkHealth, HEALTH_CHECK_TIMEOUT_MS } from '../health';
import type * as routes from '../routes';

/** `GET /health`: 200 when every part answers, 503 naming the part that does not (its error only in the log). */
export function healthOperation(deps: {
  health: HealthChecks;
  logger?: AppLogger;
}): Operation<typeof routes.getHealth> {
  return async () => {
    const report = await checkHealth(deps.health, HEALTH_CHECK_TIMEOUT_MS, (part, error) =>
      deps.logger?.warn('health check failed', {
        part,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
    );
    return report.status === 'ok'
      ? { statusCode: 200, body: report }
      : { statusCode: 503, body: report, headers: { 'retry-after': '5' } };
  };
}
