import { mailerFromEnv } from '../mail/from-env';
import { taskDepsWith } from './deps-from-env';
import { makeRecordFailureHandler } from './steps/closing';

const taskDepsFromEnv = taskDepsWith({ mailer: mailerFromEnv });

/** Workflow task: Record a failed workflow step and flag the case. */
export const handler = makeRecordFailureHandler(taskDepsFromEnv(['send-mail']));
