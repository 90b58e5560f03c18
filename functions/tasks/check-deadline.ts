import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { makeCheckDeadlineHandler } from './steps/intake';
import { taskLambda } from './deps-from-env';

/** Workflow task: Check whether the notice deadline was extended or has passed. */
export const handler = taskLambda('CheckDeadlineFunctionArn', makeCheckDeadlineHandler, {
  deadlines: deadlineRulesFromEnv,
});
