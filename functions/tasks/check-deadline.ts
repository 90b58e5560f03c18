import { taskDepsWith } from './deps-from-env';
import { makeCheckDeadlineHandler } from './steps/intake';

const taskDepsFromEnv = taskDepsWith({});

/** Workflow task: Check whether the notice deadline was extended or has passed. */
export const handler = makeCheckDeadlineHandler(taskDepsFromEnv([]));
