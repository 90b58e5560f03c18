import { workflowEngineFromEnv } from '../workflow/aws-engine';
import { taskDepsWith } from './deps-from-env';
import { makeOpenCallbackHandler } from './steps/callbacks';

const taskDepsFromEnv = taskDepsWith({ engine: workflowEngineFromEnv });

/** Workflow task: Open a step that waits for a person (persuasion result, inspection, forced demolition). */
export const handler = makeOpenCallbackHandler(taskDepsFromEnv(['send-task-success']));
