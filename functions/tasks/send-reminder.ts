import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { mailerFromEnv } from '#mail/from-env';
import { makeSendReminderHandler } from './steps/intake';
import { taskLambda } from './deps-from-env';

/** Workflow task: Send the reminder before the notice deadline. */
export const handler = taskLambda('SendReminderFunctionArn', makeSendReminderHandler, {
  deadlines: deadlineRulesFromEnv,
  mailer: mailerFromEnv,
});
