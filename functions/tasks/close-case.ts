import { taskDepsWith } from './deps-from-env';
import { makeCloseCaseHandler } from './steps/closing';

const taskDepsFromEnv = taskDepsWith({});

/** Workflow task: Close a self-demolished or enforced case. */
export const handler = makeCloseCaseHandler(taskDepsFromEnv([]));
