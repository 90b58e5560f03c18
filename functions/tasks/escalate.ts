import { taskDepsFromEnv } from './deps-from-env';
import { makeEscalateHandler } from './steps/enforcement';

/** Workflow task: Escalate to the sub-district office and serve the demand notice (催告书). */
export const handler = makeEscalateHandler(taskDepsFromEnv(['send-mail']));
