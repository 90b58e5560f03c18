import { taskDepsFromEnv } from './deps-from-env';
import { makeCheckDeadlineHandler } from './steps/intake';

/** Workflow task: Check whether the notice deadline was extended or has passed. */
export const handler = makeCheckDeadlineHandler(taskDepsFromEnv([]));
