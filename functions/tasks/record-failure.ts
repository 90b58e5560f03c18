import { taskDepsFromEnv } from './deps-from-env';
import { makeRecordFailureHandler } from './steps/closing';

/** Workflow task: Record a failed workflow step and flag the case. */
export const handler = makeRecordFailureHandler(taskDepsFromEnv(['send-mail']));
