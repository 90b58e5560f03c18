import { mailerFromEnv } from '#mail/from-env';
import { objectStoreFromEnv } from '#objects/s3-object-store';
import { makeCloseCaseHandler } from './steps/closing';
import { taskLambda } from './deps-from-env';

/** Workflow task: Close a self-demolished or enforced case. */
export const handler = taskLambda('CloseCaseFunctionArn', makeCloseCaseHandler, {
  mailer: mailerFromEnv,
  objects: objectStoreFromEnv,
});
