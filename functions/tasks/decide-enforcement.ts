import { taskDepsFromEnv } from './deps-from-env';
import { makeDecideEnforcementHandler } from './steps/enforcement';

/** Workflow task: Decide on enforcement, announce it and start the enforcement phase. */
export const handler = makeDecideEnforcementHandler(taskDepsFromEnv(['send-mail', 'start-execution']));
