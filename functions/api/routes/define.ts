import type { z } from 'zod';
import type { Access } from '../auth';
import { caseViewSchema } from '../request-schemas';

export type HttpMethod = 'get' | 'post';

export interface ResponseSpec {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** Response headers worth documenting, name → description. */
  headers?: Record<string, string>;
}

/** One route of the API: its path, who may call it, the schemas of every input and what it answers. */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  H extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/cases/{id}`; also the API Gateway resource path. */
  path: string;
  /** The Lambda entry, `functions/api/handlers/<entry>.ts`. */
  entry: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  /** The route's function sends email itself (its function gets the mail configuration and SES). */
  sendsMail?: boolean;
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
>(spec: RouteSpec<P, Q, H, B>): RouteSpec<P, Q, H, B> {
  return spec;
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

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;
