import { makeCheckWindowsHandler } from './steps/enforcement';
import { taskLambda } from './deps-from-env';

/** Workflow task: Check the announcement and appeal windows. */
export const handler = taskLambda('CheckWindowsFunctionArn', makeCheckWindowsHandler);
