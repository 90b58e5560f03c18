import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { mailerFromEnv } from '#mail/from-env';
import { makeScheduleEnforcementHandler } from './steps/enforcement';
import { taskLambda } from './deps-from-env';

/** Workflow task: Schedule the forced demolition on a working day. */
export const handler = taskLambda('ScheduleEnforcementFunctionArn', makeScheduleEnforcementHandler, {
  deadlines: deadlineRulesFromEnv,
  mailer: mailerFromEnv,
});
