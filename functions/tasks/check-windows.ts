import { taskDepsWith } from './deps-from-env';
import { makeCheckWindowsHandler } from './steps/enforcement';

const taskDepsFromEnv = taskDepsWith({});

/** Workflow task: Check the announcement and appeal windows. */
export const handler = makeCheckWindowsHandler(taskDepsFromEnv([]));
