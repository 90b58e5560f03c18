import { mailerFromEnv } from '../mail/from-env';
import { taskDepsWith } from './deps-from-env';
import { makeSendReminderHandler } from './steps/intake';

const taskDepsFromEnv = taskDepsWith({ mailer: mailerFromEnv });

/** Workflow task: Send the reminder before the notice deadline. */
export const handler = makeSendReminderHandler(taskDepsFromEnv(['send-mail']));
