import { workflowEngineFromEnv } from '#workflow/aws-engine';
import { apiHandler } from '../lambda-entry';
import { createCaseBatchOperation } from '../operations/intake';
import { createCaseBatch } from '../routes/create-case-batch';

/** POST /case-batches: several reports at once (a survey), each answered as POST /cases would. */
export const handler = apiHandler(createCaseBatch, createCaseBatchOperation, { engine: workflowEngineFromEnv });
