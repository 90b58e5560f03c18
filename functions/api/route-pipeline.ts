import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import type { Clock } from '#domain/clock';
import type { Viewer } from '#app/case-view';
import type { AppLogger } from '#app/context';
import { silentLogger } from '#app/context';
import { asDependencyError } from '#app/dependency-errors';
import {
  ActionInputError,
  CaseNotFoundError,
  DependencyUnavailableError,
  IdempotencyMismatchError,
  RequestInFlightError,
  OutsideScopeError,
  RoleRefusedError,
  SubdistrictNotFoundError,
  DocumentNotFoundError,
  StaleVersionError,
  ThrottledError,
  TransitionRefusedError,
} from '#app/errors';
import { InvalidCursorError } from '#store/errors';
import { injectLambdaContext } from '#shared/lambda-context';
import { actingViewer, principalOf } from './auth';
import type { ApiResult } from './http';
import { BODY_LIMIT_BYTES, lowerCaseHeaders, problemResult, proxyResult, readJsonBody } from './http';
import type { FieldError, FieldLocation } from './problem';
import { HttpProblem, fieldErrorsOf, friendlyIssueMessage, invalidInput } from './problem';
import type { AnyRoute, RouteSpec } from './routes';

type BodyOf<R> = R extends RouteSpec<z.ZodType, z.ZodType, z.ZodType, infer B> ? z.output<B> : never;

/** What an operation receives: every input parsed and valid, and who is asking. */
export interface OperationInput<R extends AnyRoute> {
  params: z.output<R['params']>;
  query: z.output<R['query']>;
  headers: z.output<R['headers']>;
  body: BodyOf<R>;
  /** Present on every route that is not public. */
  viewer?: Viewer;
  requestId: string;
  /** The path the client called, including any stage prefix (for Location headers). */
  requestPath: string;
}

export type Operation<R extends AnyRoute> = (input: OperationInput<R>) => Promise<ApiResult>;

export interface HandlerOptions {
  clock: Clock;
  logger?: AppLogger;
  bodyLimitBytes?: number;
}

export type ProxyHandler = (event: APIGatewayProxyEvent, context?: unknown) => Promise<APIGatewayProxyResult>;

export function requireViewer(input: { viewer?: Viewer }): Viewer {
  if (!input.viewer) throw new HttpProblem('unauthenticated', 'This route needs a bearer token.');
  return input.viewer;
}

function parsePart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: FieldLocation,
  errors: FieldError[],
): z.output<S> | undefined {
  const result = schema.safeParse(value, { error: friendlyIssueMessage });
  if (result.success) return result.data;
  errors.push(...fieldErrorsOf(result.error, location));
  return undefined;
}

function queryOf(event: APIGatewayProxyEvent, errors: FieldError[]): Record<string, string> {
  // Without a prototype: `?__proto__=` is an unknown parameter like any other, not a no-op assignment.
  const query: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {}))
    if (value !== undefined) query[name] = value;
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values && values.length > 1) errors.push({ field: name, in: 'query', message: 'must be given once' });
  }
  return query;
}

/** The declared headers under their declared names, looked up case-insensitively. */
function headersOf(schema: z.ZodType, event: APIGatewayProxyEvent): Record<string, string> {
  if (!(schema instanceof z.ZodObject)) return {};
  const all = lowerCaseHeaders(event);
  const picked: Record<string, string> = Object.create(null);
  for (const name of Object.keys(schema.shape)) {
    const value = all[name.toLowerCase()];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/** Maps what the services refuse to problem documents; anything unknown is a logged 500. */
export function problemFor(error: unknown, logger: AppLogger, requestId: string): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof CaseNotFoundError) return new HttpProblem('not-found', `Case ${error.caseId} was not found.`);
  if (error instanceof DocumentNotFoundError)
    return invalidInput([{ field: 'number', in: 'path', message: error.message }]);
  if (error instanceof RoleRefusedError) return new HttpProblem('forbidden', `${error.message}.`);
  if (error instanceof OutsideScopeError)
    return new HttpProblem('forbidden', `Not in your scope: ${error.message}.`, {
      errors: [{ field: error.field, in: 'body', message: error.message }],
    });
  if (error instanceof SubdistrictNotFoundError)
    return new HttpProblem('not-found', `There are no cases of sub-district ${error.subdistrict} for you.`);
  if (error instanceof TransitionRefusedError) {
    return new HttpProblem('transition-not-allowed', `Not allowed now: ${error.reason}.`, {
      reason: error.reason,
      currentVersion: error.currentVersion,
    });
  }
  if (error instanceof StaleVersionError) {
    return new HttpProblem(
      'version-conflict',
      `${error.message}.`,
      error.currentVersion !== undefined ? { currentVersion: error.currentVersion } : {},
    );
  }
  if (error instanceof ActionInputError)
    return invalidInput([{ field: error.field, in: 'body', message: error.message }]);
  if (error instanceof InvalidCursorError)
    return invalidInput([{ field: 'cursor', in: 'query', message: error.message }]);
  if (error instanceof IdempotencyMismatchError) return new HttpProblem('idempotency-key-reused', `${error.message}.`);
  if (error instanceof RequestInFlightError) {
    return new HttpProblem(
      'request-in-flight',
      `${error.message}; retry after ${error.retryAfterSeconds} s.`,
      {},
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
  const dependency = asDependencyError(error, 'database');
  if (dependency instanceof ThrottledError) {
    logger.warn('dependency throttled', { requestId, part: dependency.part });
    return new HttpProblem(
      'throttled',
      `The ${dependency.part} is busy; retry shortly.`,
      { part: dependency.part },
      { 'retry-after': '1' },
    );
  }
  if (dependency instanceof DependencyUnavailableError) {
    logger.warn('dependency unavailable', {
      requestId,
      part: dependency.part,
      error: String(dependency.cause ?? dependency),
    });
    return new HttpProblem(
      'dependency-unavailable',
      `${dependency.message}. Nothing was half-written; retry after ${dependency.retryAfterSeconds} s.`,
      { part: dependency.part },
      {
        'retry-after': String(dependency.retryAfterSeconds),
      },
    );
  }
  logger.error('unexpected error', {
    requestId,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return new HttpProblem('internal', `An unexpected error occurred (request ${requestId}).`);
}

/**
 * The whole life of one API request in a Lambda: authenticate, authorise the role, parse path, query,
 * headers and body with the route's zod schemas (every bad field reported at once), run the operation,
 * map the outcome to JSON or problem+json.
 */
export function makeRouteHandler<R extends AnyRoute>(
  route: R,
  operation: Operation<R>,
  options: HandlerOptions,
): ProxyHandler {
  const logger = options.logger ?? silentLogger;
  return async (event, context) => {
    injectLambdaContext(logger, context);
    const requestId = event.requestContext?.requestId ?? randomUUID();
    const requestPath = event.requestContext?.path ?? event.path ?? route.path;
    try {
      let viewer: Viewer | undefined;
      if (!route.access.public) {
        const principal = principalOf(event);
        if (!principal)
          throw new HttpProblem(
            'unauthenticated',
            'Send a bearer token in the Authorization header.',
            {},
            { 'www-authenticate': 'Bearer realm="rectify"' },
          );
        viewer = actingViewer(principal, route.access);
      }
      const errors: FieldError[] = [];
      const params = parsePart(route.params, event.pathParameters ?? {}, 'path', errors);
      const query = parsePart(route.query, queryOf(event, errors), 'query', errors);
      const headers = parsePart(route.headers, headersOf(route.headers, event), 'header', errors);
      let body: unknown;
      if (route.body) {
        const raw = readJsonBody(event, options.bodyLimitBytes ?? route.bodyLimitBytes ?? BODY_LIMIT_BYTES);
        const schema = route.body.at ? route.body.at(options.clock.now()) : route.body.schema;
        body = parsePart(schema, raw, 'body', errors);
      }
      if (errors.length) throw invalidInput(errors);
      const result = await operation({
        params: params as z.output<R['params']>,
        query: query as z.output<R['query']>,
        headers: headers as z.output<R['headers']>,
        body: body as BodyOf<R>,
        viewer,
        requestId,
        requestPath,
      });
      return proxyResult(result);
    } catch (error) {
      return problemResult(problemFor(error, logger, requestId), requestPath, requestId);
    }
  };
}
