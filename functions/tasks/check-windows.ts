import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { makeCheckWindowsHandler } from './steps/enforcement';
import { taskLambda } from './deps-from-env';

/** Workflow task: Check that the enforcement decision was served, and the announcement and appeal windows. */
export const handler = taskLambda('CheckWindowsFunctionArn', makeCheckWindowsHandler, {
  deadlines: deadlineRulesFromEnv,
});
