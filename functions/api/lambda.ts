import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { calendarFileSchema, chinaCalendar } from '../domain/china-calendar';
import { systemClock } from '../domain/clock';
import { resolvePolicy } from '../domain/policy';
import { documentClient } from '../shared/aws-clients';
import { envPieces, parseEnv, parseJsonEnv } from '../shared/env';
import { CaseStore } from '../store/case-store';
import { mailerFromEnv } from '../mail/from-env';
import { keys } from '../store/table';
import type { WorkflowEngine } from '../workflow/engine';
import { AwsWorkflowEngine, sfnClient } from '../workflow/aws-engine';
import type { ProxyHandler } from './handler';
import { makeRouteHandler } from './handler';
import type { ApiDeps } from './operations';
import { makeOperations, openApiOperation } from './operations';
import type { AnyRoute } from './routes';
import { ROUTES, getOpenApi } from './routes';

/** What every API function reads at cold start; write routes also need the state machine. */
export const apiReadEnvSchema = envPieces.table.extend(envPieces.policy.shape).extend(envPieces.calendar.shape);
export const apiWriteEnvSchema = apiReadEnvSchema.extend(envPieces.stateMachine.shape);

/** Read routes never touch the workflow; their functions have no Step Functions permission either. */
const noEngine: WorkflowEngine = {
  startExecution: () => Promise.reject(new Error('this function has no workflow engine')),
  sendTaskSuccess: () => Promise.reject(new Error('this function has no workflow engine')),
  sendTaskFailure: () => Promise.reject(new Error('this function has no workflow engine')),
  stopExecution: () => Promise.reject(new Error('this function has no workflow engine')),
};

/**
 * The dependencies an API function builds once, at module scope: SDK clients with timeouts, the
 * district's policy and calendar, the real clock. A missing or malformed variable fails the cold start
 * with its name.
 */
export function apiDepsFromEnv(options: { writes: boolean; sendsMail?: boolean }, env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const settings = parseEnv(apiReadEnvSchema, env);
  const policy = (() => {
    try {
      return resolvePolicy(parseJsonEnv('POLICY_JSON', settings.POLICY_JSON, z.record(z.string(), z.unknown())));
    } catch (error) {
      throw new Error(`invalid environment: POLICY_JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
  const calendar = chinaCalendar(parseJsonEnv('CALENDAR_JSON', settings.CALENDAR_JSON, calendarFileSchema));
  const engine = options.writes ? new AwsWorkflowEngine(sfnClient(), parseEnv(apiWriteEnvSchema, env).STATE_MACHINE_ARN) : noEngine;
  const doc = documentClient();
  const store = new CaseStore(doc, settings.TABLE_NAME);
  return {
    store,
    engine,
    clock: systemClock,
    calendar,
    policy,
    logger: new Logger({ serviceName: 'rectify-api' }),
    ...(options.sendsMail ? { mailer: mailerFromEnv(env) } : {}),
    // A read of a key that never exists: proves the table answers, with no permission beyond reads.
    health: { dynamodb: async () => void (await doc.send(new GetCommand({ TableName: settings.TABLE_NAME, Key: keys.case('health-check') }))) },
  };
}

/** The Lambda handler of one route, with its dependencies from the environment. */
export function apiHandler(operationId: AnyRoute['operationId']): ProxyHandler {
  const route = ROUTES.find((r) => r.operationId === operationId) as AnyRoute | undefined;
  if (!route) throw new Error(`no route ${operationId}`);
  const deps = apiDepsFromEnv({ writes: !route.access.public && route.access.writes, sendsMail: route.sendsMail === true });
  const operation = (makeOperations(deps) as unknown as Record<string, Parameters<typeof makeRouteHandler>[1]>)[operationId];
  if (!operation) throw new Error(`route ${operationId} has no operation`);
  return makeRouteHandler(route, operation, { clock: deps.clock, logger: deps.logger });
}

/** `GET /openapi.json` needs no table, no engine and no configuration. */
export function openApiHandler(): ProxyHandler {
  return makeRouteHandler(getOpenApi, openApiOperation, { clock: systemClock });
}
