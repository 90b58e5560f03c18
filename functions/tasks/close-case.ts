import { mailerFromEnv } from '#mail/from-env';
import { makeCloseCaseHandler } from './steps/closing';
import { taskLambda } from './deps-from-env';

/** Workflow task: Close a self-demolished or enforced case. */
export const handler = taskLambda('CloseCaseFunctionArn', makeCloseCaseHandler, { mailer: mailerFromEnv });
