import type { z } from 'zod';
import type { LambdaNeeds } from '#shared/lambda-needs';
import type { Access } from '../auth';
import { caseViewSchema } from '../request-schemas';

type HttpMethod = 'get' | 'post';

export interface ResponseSpec {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** Response headers worth documenting, name → description. */
  headers?: Record<string, string>;
}

/**
 * What a route's function needs beyond reading the case table (writing it follows from `access.writes`):
 * the stack gives its function exactly this configuration and these permissions, and its entry must
 * build exactly these dependencies (functions/api/lambda-entry.ts types them from this declaration).
 */
export type RouteUses = Omit<LambdaNeeds, 'table'> & {
  /** The route reads no table at all (its function gets neither TABLE_NAME nor any DynamoDB permission). */
  table?: 'none';
};

/**
 * One route of the API: its path, who may call it, the schemas of every input, what it answers and what
 * its function needs. It is the route's one declaration: the local server, the OpenAPI document and the
 * CDK stack (its API Gateway method, its Lambda, role, environment and alarms) all read it.
 */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  H extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  U extends RouteUses = RouteUses,
> {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/cases/{id}`; also the API Gateway resource path. */
  path: string;
  /** The Lambda entry, `functions/api/handlers/<entry>.ts`; its kebab-case name is also the function's (PascalCase). */
  entry: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  /** What its function needs besides the table; nothing when omitted. */
  uses?: U;
  params: P;
  query: Q;
  headers: H;
  body?: {
    schema: B;
    /** The schema with the checks that depend on the current (legal) time, e.g. no future dates. */
    at?: (now: Date) => z.ZodType<z.output<B>>;
    example: unknown;
  };
  /** Largest body accepted, in bytes, when not the API's usual limit (a batch holds many submissions). */
  bodyLimitBytes?: number;
  /** Success responses; error responses follow from `access`, `body` and `params`. */
  responses: ResponseSpec[];
}

export function defineRoute<
  P extends z.ZodType,
  Q extends z.ZodType,
  H extends z.ZodType,
  B extends z.ZodType = z.ZodNever,
  const U extends RouteUses = Record<never, never>,
>(spec: RouteSpec<P, Q, H, B, U>): RouteSpec<P, Q, H, B, U> {
  return spec;
}

/** Everything the route's function needs: its `uses`, and the table as `access` implies. */
export function needsOfRoute(route: Pick<AnyRoute, 'access' | 'uses'>): LambdaNeeds {
  const { table, ...uses } = route.uses ?? {};
  const writes = !route.access.public && route.access.writes;
  return { ...uses, table: table ?? (writes ? 'read-write' : 'read') };
}

export const READ_ROLES = ['officer', 'enforcer', 'auditor', 'reporter'] as const;

export const caseResponse = (status: number, description: string): ResponseSpec => ({
  status,
  description,
  schema: caseViewSchema,
  headers: { ETag: 'The case version, for If-Match on the next action.' },
});

export const actionDescription = (what: string) =>
  `${what} Pin the case version you decided on with \`expectedVersion\` in the body or \`If-Match\` (the ETag of GET /cases/{id}); a newer case answers 409. An action the procedure does not allow in the case's current status answers 409 with the reason. When the workflow is waiting for this step it is answered.`;

export const AUDIT_ROLES = ['officer', 'auditor'] as const;

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType, RouteUses>;
