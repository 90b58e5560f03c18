import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { createCaseOperation } from '../operations/intake';
import { createCase } from '../routes/create-case';

/** POST /cases: report a suspected illegal construction. */
export const handler = apiHandler(createCase, createCaseOperation, { engine: workflowEngineFromEnv });
