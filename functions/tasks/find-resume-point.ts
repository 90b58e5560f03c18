import { makeFindResumePointHandler } from './steps/resume';
import { taskLambda } from './deps-from-env';

/** Workflow task: Find where a resumed workflow picks the case up. */
export const handler = taskLambda('FindResumePointFunctionArn', makeFindResumePointHandler);
