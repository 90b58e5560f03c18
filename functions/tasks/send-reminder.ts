import { taskDepsFromEnv } from './deps-from-env';
import { makeSendReminderHandler } from './steps/intake';

/** Workflow task: Send the reminder before the notice deadline. */
export const handler = makeSendReminderHandler(taskDepsFromEnv(['send-mail']));
