import type { AppDeps } from '#app/context';
import type { HealthChecks } from '../health';

/** What the API's operations are built from: the application's dependencies and the parts health checks. */
export interface ApiDeps extends AppDeps {
  /** The parts `GET /health` checks, by name. */
  health: HealthChecks;
}
