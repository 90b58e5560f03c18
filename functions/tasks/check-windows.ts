import { taskDepsFromEnv } from './deps-from-env';
import { makeCheckWindowsHandler } from './steps/enforcement';

/** Workflow task: Check the announcement and appeal windows. */
export const handler = makeCheckWindowsHandler(taskDepsFromEnv([]));
