import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { makeOpenCallbackHandler } from './steps/callbacks';
import { taskLambda } from './deps-from-env';

/** Workflow task: Open a step that waits for a person (persuasion result, inspection, forced demolition). */
export const handler = taskLambda('OpenCallbackFunctionArn', makeOpenCallbackHandler, {
  deadlines: deadlineRulesFromEnv,
  engine: workflowEngineFromEnv,
});
