import { taskDepsFromEnv } from './deps-from-env';
import { makeCloseCaseHandler } from './steps/closing';

/** Workflow task: Close a self-demolished or enforced case. */
export const handler = makeCloseCaseHandler(taskDepsFromEnv([]));
