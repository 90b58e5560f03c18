import { deadlineRulesFromEnv } from '#shared/deadline-rules';
import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { deadlineActionOperations } from '../operations/actions';
import { resumeCase } from '../routes/resume-case';

/** POST /cases/{id}/resume: a stopped or failed workflow started again. */
export const handler = apiHandler(resumeCase, (deps) => deadlineActionOperations(deps).resumeCase, {
  engine: workflowEngineFromEnv,
  deadlines: deadlineRulesFromEnv,
});
