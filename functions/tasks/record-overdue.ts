import { taskDepsFromEnv } from './deps-from-env';
import { makeRecordOverdueHandler } from './steps/callbacks';

/** Workflow task: Record an overdue inspection or demolition. */
export const handler = makeRecordOverdueHandler(taskDepsFromEnv(['send-mail']));
