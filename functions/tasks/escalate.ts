import { mailerFromEnv } from '../mail/from-env';
import { taskDepsWith } from './deps-from-env';
import { makeEscalateHandler } from './steps/enforcement';

const taskDepsFromEnv = taskDepsWith({ mailer: mailerFromEnv });

/** Workflow task: Escalate to the sub-district office and serve the demand notice (催告书). */
export const handler = makeEscalateHandler(taskDepsFromEnv(['send-mail']));
