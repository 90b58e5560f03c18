import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AppDeps, AppLogger, DeadlineDeps } from '#app/context';
import type { CursorKeySource } from '#app/cursor-seal';
import type { Clock } from '#domain/clock';
import { systemClock } from '#domain/clock';
import type { Mailer } from '#mail/mailer';
import { documentClient } from '#shared/aws-clients';
import type { DeadlineRules } from '#shared/deadline-rules';
import { envPieces, parseEnv } from '#shared/env';
import type { WorkflowAction } from '#shared/lambda-needs';
import { CaseStore } from '#store/case-store';
import { keys } from '#store/table';
import type { WorkflowEngine } from '#workflow/engine';
import type { ObjectStore } from '#objects/object-store';
import type { ObjectAccess } from '#shared/lambda-needs';
import type { DigestPublicKey, DigestSigner } from '#digests/digest-signer';
import type { Operation, ProxyHandler } from './route-pipeline';
import { makeRouteHandler } from './route-pipeline';
import type { HealthChecks } from './health';
import type { AnyRoute } from './routes';

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
  /** Routes that seal or open cursors (`cursorKeyFromSecretEnv`: CURSOR_SECRET_ARN, read on first use). */
  cursorKey?: (env: NodeJS.ProcessEnv) => CursorKeySource;
  /** Routes that reach the object store (`objectStoreFromEnv`: OBJECT_BUCKET). */
  objects?: (env: NodeJS.ProcessEnv) => ObjectStore;
  /**
   * Routes that write or check the signed digests (the digest bucket from DIGEST_BUCKET, the KMS key from
   * DIGEST_KEY_ARN): the signer where they declare `digests: 'sign'`, the public key for `'verify'`.
   */
  digests?: (
    env: NodeJS.ProcessEnv,
  ) => { archive: ObjectStore } & ({ signer: DigestSigner } | { publicKey: DigestPublicKey });
}

type UsesOf<R> = R extends { uses?: infer U } ? NonNullable<U> : Record<never, never>;
type UsesWorkflow<R> = UsesOf<R> extends { workflow: readonly [WorkflowAction, ...WorkflowAction[]] } ? true : false;
type UsesMail<R> = UsesOf<R> extends { mail: true } ? true : false;
type UsesDeadlines<R> = UsesOf<R> extends { deadlines: true } ? true : false;
type UsesCursor<R> = UsesOf<R> extends { cursor: true } ? true : false;
type UsesObjects<R> = UsesOf<R> extends { objects: ObjectAccess } ? true : false;
type DigestsOf<R> =
  UsesOf<R> extends { digests: 'sign' }
    ? { archive: ObjectStore; signer: DigestSigner }
    : UsesOf<R> extends { digests: 'verify' }
      ? { archive: ObjectStore; publicKey: DigestPublicKey }
      : never;

/** The ports a route's handler must build: one per need its route declares, and no other. */
export type PortsFor<R extends AnyRoute> = (UsesWorkflow<R> extends true
  ? { engine: NonNullable<ApiPorts['engine']> }
  : { engine?: never }) &
  (UsesMail<R> extends true ? { mailer: NonNullable<ApiPorts['mailer']> } : { mailer?: never }) &
  (UsesDeadlines<R> extends true ? { deadlines: NonNullable<ApiPorts['deadlines']> } : { deadlines?: never }) &
  (UsesCursor<R> extends true ? { cursorKey: NonNullable<ApiPorts['cursorKey']> } : { cursorKey?: never }) &
  (UsesObjects<R> extends true ? { objects: NonNullable<ApiPorts['objects']> } : { objects?: never }) &
  ([DigestsOf<R>] extends [never] ? { digests?: never } : { digests: (env: NodeJS.ProcessEnv) => DigestsOf<R> });

/** What every API function has: the case table, the real clock, a logger, a cursor key and its health checks. */
export interface BaseApiDeps extends Pick<AppDeps, 'store'> {
  /** The deployment's key where the route `uses` cursors; elsewhere one that refuses (see apiDepsFromEnv). */
  cursorKey: CursorKeySource;
  clock: Clock;
  logger: AppLogger;
  /** The parts `GET /health` checks, by name. */
  health: HealthChecks;
}

/** The dependencies a route's operation is given: the base, and exactly what its route `uses`. */
export type DepsFor<R extends AnyRoute> = BaseApiDeps &
  (UsesWorkflow<R> extends true ? { engine: WorkflowEngine } : unknown) &
  (UsesMail<R> extends true ? { mailer: Mailer } : unknown) &
  (UsesDeadlines<R> extends true ? DeadlineDeps : unknown) &
  (UsesObjects<R> extends true ? { objects: ObjectStore } : unknown) &
  ([DigestsOf<R>] extends [never] ? unknown : { digests: DigestsOf<R> });

/** A Lambda handler that says which declaration it serves, so a test can hold each entry to its own. */
export type DeclaredHandler<H> = H & { readonly serves: string };

const undeclaredCursorKey: CursorKeySource = () =>
  Promise.reject(new Error('this function has no cursor key: its route must declare `uses: { cursor: true }`'));

/**
 * The dependencies an API function builds once, at module scope: SDK clients with timeouts, the
 * district's policy and calendar where the route computes deadlines, the real clock — the base and what
 * the given ports build, nothing else. A missing or malformed variable fails the cold start with its name.
 */
export function apiDepsFromEnv(
  ports: ApiPorts,
  env: NodeJS.ProcessEnv = process.env,
): BaseApiDeps &
  Partial<Pick<AppDeps, 'engine' | 'mailer' | 'calendar' | 'policy'>> & {
    objects?: ObjectStore;
    digests?: ReturnType<NonNullable<ApiPorts['digests']>>;
  } {
  const settings = parseEnv(envPieces.table, env);
  const deadlines = ports.deadlines?.(env);
  const doc = documentClient();
  return {
    store: new CaseStore(doc, settings.TABLE_NAME),
    clock: systemClock,
    logger: new Logger({ serviceName: 'rectify-api' }),
    // Paging functions share the deployment's key. Any other function has none: a route that seals a cursor
    // without declaring it fails loudly instead of sealing with a key no other instance holds.
    cursorKey: ports.cursorKey ? ports.cursorKey(env) : undeclaredCursorKey,
    ...(ports.engine ? { engine: ports.engine(env) } : {}),
    ...(deadlines ? { calendar: deadlines.calendar, policy: deadlines.policy } : {}),
    ...(ports.mailer ? { mailer: ports.mailer(env, { doc }) } : {}),
    ...(ports.objects ? { objects: ports.objects(env) } : {}),
    ...(ports.digests ? { digests: ports.digests(env) } : {}),
    // A read of a key that never exists: proves the table answers, with no permission beyond reads.
    health: {
      dynamodb: async () =>
        void (await doc.send(new GetCommand({ TableName: settings.TABLE_NAME, Key: keys.case('health-check') }))),
    },
  };
}

/**
 * The Lambda handler of one route: its operation, with the dependencies its ports build from the
 * environment. The ports are typed from the route's `uses` (a missing or an extra one does not compile),
 * and so is what the operation is given: it cannot reach for an engine, a mailer or a policy its route
 * does not declare.
 */
export function apiHandler<R extends AnyRoute>(
  route: R,
  makeOperation: (deps: DepsFor<R>) => Operation<R>,
  ...[ports]: Record<never, never> extends PortsFor<R> ? [ports?: PortsFor<R>] : [ports: PortsFor<R>]
): DeclaredHandler<ProxyHandler> {
  // PortsFor<R> made the caller give exactly the ports DepsFor<R> needs, so what they built is there.
  const deps = apiDepsFromEnv(ports ?? {}) as DepsFor<R>;
  const handler = makeRouteHandler(route, makeOperation(deps), { clock: deps.clock, logger: deps.logger });
  return Object.assign(handler, { serves: route.operationId });
}
