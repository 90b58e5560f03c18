import { mailerFromEnv } from '#mail/from-env';
import { makeRecordOverdueHandler } from './steps/callbacks';
import { taskLambda } from './deps-from-env';

/** Workflow task: Record an overdue inspection or demolition. */
export const handler = taskLambda('RecordOverdueFunctionArn', makeRecordOverdueHandler, { mailer: mailerFromEnv });
