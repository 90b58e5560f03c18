import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { WorkingCalendar } from '#domain/calendar';
import { systemClock } from '#domain/clock';
import type { Policy } from '#domain/policy';
import type { Mailer } from '#mail/mailer';
import { cursorKeyFromText } from '#app/cursor-seal';
import { documentClient } from '#shared/aws-clients';
import type { DeadlineRules } from '#shared/deadline-rules';
import { envPieces, parseEnv } from '#shared/env';
import { refusing } from '#shared/refusing';
import { CaseStore } from '#store/case-store';
import { keys } from '#store/table';
import type { WorkflowEngine } from '#workflow/engine';
import type { Operation, ProxyHandler } from './handler';
import { makeRouteHandler } from './handler';
import type { ApiDeps } from './operations';
import type { AnyRoute } from './routes';
import type { WorkflowAction } from '#shared/lambda-needs';

/**
 * What an API function builds beyond the case table, each from its own environment. A handler names
 * exactly the ones its route `uses` (the type `PortsFor` holds the two together), so its bundle carries
 * only those clients and libraries — and the stack, reading the same declaration, gives its function
 * exactly that configuration and those permissions.
 */
export interface ApiPorts {
  /** Routes that start, answer or stop workflow executions (`workflowEngineFromEnv`: STATE_MACHINE_ARN). */
  engine?: (env: NodeJS.ProcessEnv) => WorkflowEngine;
  /** Routes whose services compute deadlines (`deadlineRulesFromEnv`: POLICY_JSON, CALENDAR_JSON). */
  deadlines?: (env: NodeJS.ProcessEnv) => DeadlineRules;
  /** Routes that send email themselves (`mailerFromEnv`: the mail configuration and SES). */
  mailer?: (env: NodeJS.ProcessEnv, shared: { doc: DynamoDBDocumentClient }) => Mailer;
}

type UsesOf<R> = R extends { uses?: infer U } ? NonNullable<U> : Record<never, never>;

/** The ports a route's handler must build: one per need its route declares, and no other. */
export type PortsFor<R extends AnyRoute> = (UsesOf<R> extends {
  workflow: readonly [WorkflowAction, ...WorkflowAction[]];
}
  ? { engine: NonNullable<ApiPorts['engine']> }
  : { engine?: never }) &
  (UsesOf<R> extends { mail: true } ? { mailer: NonNullable<ApiPorts['mailer']> } : { mailer?: never }) &
  (UsesOf<R> extends { deadlines: true } ? { deadlines: NonNullable<ApiPorts['deadlines']> } : { deadlines?: never });

/** A Lambda handler that says which declaration it serves, so a test can hold each entry to its own. */
export type DeclaredHandler<H> = H & { readonly serves: string };

/** Routes without an engine port never touch the workflow; their functions have no Step Functions permission either. */
const noEngine: WorkflowEngine = {
  startExecution: () => Promise.reject(new Error('this function has no workflow engine')),
  executionExists: () => Promise.reject(new Error('this function has no workflow engine')),
  executionStatus: () => Promise.reject(new Error('this function has no workflow engine')),
  sendTaskSuccess: () => Promise.reject(new Error('this function has no workflow engine')),
  stopExecution: () => Promise.reject(new Error('this function has no workflow engine')),
};

const NO_DEADLINES =
  'this function computes no deadlines: it was given no policy or calendar (add the deadlines port to its handler and env "deadlines" to its manifest entry)';

/**
 * The dependencies an API function builds once, at module scope: SDK clients with timeouts, the
 * district's policy and calendar where the route computes deadlines, the real clock. A missing or
 * malformed variable fails the cold start with its name.
 */
export function apiDepsFromEnv(ports: ApiPorts, env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const settings = parseEnv(envPieces.table, env);
  const deadlines = ports.deadlines?.(env);
  const engine = ports.engine?.(env) ?? noEngine;
  const doc = documentClient();
  return {
    store: new CaseStore(doc, settings.TABLE_NAME),
    engine,
    clock: systemClock,
    calendar: deadlines?.calendar ?? refusing<WorkingCalendar>(NO_DEADLINES),
    policy: deadlines?.policy ?? refusing<Policy>(NO_DEADLINES),
    logger: new Logger({ serviceName: 'rectify-api' }),
    // Functions serving pages share the deployment's cursor key; the others never open a cursor.
    ...(env.CURSOR_KEY ? { cursorKey: cursorKeyFromText(env.CURSOR_KEY) } : {}),
    ...(ports.mailer ? { mailer: ports.mailer(env, { doc }) } : {}),
    // A read of a key that never exists: proves the table answers, with no permission beyond reads.
    health: {
      dynamodb: async () =>
        void (await doc.send(new GetCommand({ TableName: settings.TABLE_NAME, Key: keys.case('health-check') }))),
    },
  };
}

/**
 * The Lambda handler of one route: its operation, with the dependencies its ports build from the
 * environment. The ports are typed from the route's `uses`: a missing or an extra one does not compile.
 */
export function apiHandler<R extends AnyRoute>(
  route: R,
  makeOperation: (deps: ApiDeps) => Operation<R>,
  ...[ports]: Record<never, never> extends PortsFor<R> ? [ports?: PortsFor<R>] : [ports: PortsFor<R>]
): DeclaredHandler<ProxyHandler> {
  const deps = apiDepsFromEnv(ports ?? {});
  const handler = makeRouteHandler(route, makeOperation(deps), { clock: deps.clock, logger: deps.logger });
  return Object.assign(handler, { serves: route.operationId });
}
