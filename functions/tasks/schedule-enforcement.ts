import { mailerFromEnv } from '../mail/from-env';
import { taskDepsWith } from './deps-from-env';
import { makeScheduleEnforcementHandler } from './steps/enforcement';

const taskDepsFromEnv = taskDepsWith({ mailer: mailerFromEnv });

/** Workflow task: Schedule the forced demolition on a working day. */
export const handler = makeScheduleEnforcementHandler(taskDepsFromEnv(['send-mail']));
