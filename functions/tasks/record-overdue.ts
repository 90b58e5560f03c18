import { mailerFromEnv } from '../mail/from-env';
import { taskDepsWith } from './deps-from-env';
import { makeRecordOverdueHandler } from './steps/callbacks';

const taskDepsFromEnv = taskDepsWith({ mailer: mailerFromEnv });

/** Workflow task: Record an overdue inspection or demolition. */
export const handler = makeRecordOverdueHandler(taskDepsFromEnv(['send-mail']));
