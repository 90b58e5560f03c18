import { taskDepsFromEnv } from './deps-from-env';
import { makeScheduleEnforcementHandler } from './steps/enforcement';

/** Workflow task: Schedule the forced demolition on a working day. */
export const handler = makeScheduleEnforcementHandler(taskDepsFromEnv(['send-mail']));
