import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { mailerFromEnv } from '#mail/from-env';
import { makeRecordOverdueHandler } from './steps/callbacks';
import { taskLambda } from './deps-from-env';

/** Workflow task: Record an overdue inspection or demolition. */
export const handler = taskLambda('RecordOverdueFunctionArn', makeRecordOverdueHandler, {
  deadlines: deadlineRulesFromEnv,
  mailer: mailerFromEnv,
});
