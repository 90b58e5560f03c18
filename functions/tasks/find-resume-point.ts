import { taskDepsWith } from './deps-from-env';
import { makeFindResumePointHandler } from './steps/resume';

const taskDepsFromEnv = taskDepsWith({});

/** Workflow task: Find where a resumed workflow picks the case up. */
export const handler = makeFindResumePointHandler(taskDepsFromEnv([]));
