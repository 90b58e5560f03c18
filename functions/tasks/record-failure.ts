import { mailerFromEnv } from '#mail/from-env';
import { makeRecordFailureHandler } from './steps/closing';
import { taskLambda } from './deps-from-env';

/** Workflow task: Record a failed workflow step and flag the case. */
export const handler = taskLambda('RecordFailureFunctionArn', makeRecordFailureHandler, { mailer: mailerFromEnv });
