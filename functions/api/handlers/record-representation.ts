import { deadlinesFromEnv } from '../../shared/deadlines';
import { workflowEngineFromEnv } from '../../workflow/aws-engine';
import { apiHandler } from '../lambda';
import { actionOperations } from '../operations/actions';
import { recordRepresentation } from '../routes';

/** POST /cases/{id}/representations: the party's statement and defence (陈述申辩). */
export const handler = apiHandler(recordRepresentation, (deps) => actionOperations(deps).recordRepresentation, { engine: workflowEngineFromEnv, deadlines: deadlinesFromEnv });
