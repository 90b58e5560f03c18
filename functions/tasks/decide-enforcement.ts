import { mailerFromEnv } from '../mail/from-env';
import { workflowEngineFromEnv } from '../workflow/aws-engine';
import { taskDepsWith } from './deps-from-env';
import { makeDecideEnforcementHandler } from './steps/enforcement';

const taskDepsFromEnv = taskDepsWith({ mailer: mailerFromEnv, engine: workflowEngineFromEnv });

/** Workflow task: Decide on enforcement, announce it and start the enforcement phase. */
export const handler = makeDecideEnforcementHandler(taskDepsFromEnv(['send-mail', 'start-execution']));
