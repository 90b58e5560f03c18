import type { ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { OpenAPIRegistry, OpenApiGeneratorV31, zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { caseViewSchema } from '#app/case-view';
import {
  appealActionSchema,
  caseEventSchema,
  caseSubmissionSchema,
  dismissalActionSchema,
  enforcementActionSchema,
  extensionActionSchema,
  inspectionActionSchema,
  representationActionSchema,
  serviceActionSchema,
} from '#domain/schemas';
import { caseSummarySchema } from '#store/case-summary';
import { problemSchema } from './problem';
import type { Operation } from './route-pipeline';
import type { AnyRoute, getOpenApi } from './routes';
import { ROUTES } from './routes';

const ERROR_RESPONSES = {
  InvalidInput: {
    status: 400,
    description: 'Invalid input: `errors` names each bad field (`field`, `in`, `message`).',
  },
  Unauthenticated: { status: 401, description: 'No valid bearer token.' },
  Forbidden: { status: 403, description: 'The caller’s role may not do this (auditors never write).' },
  NotFound: { status: 404, description: 'No such case, or not one the caller may see.' },
  Conflict: {
    status: 409,
    description:
      'The procedure does not allow this in the case’s current status (`reason`), the case changed since it was read (`currentVersion`), or the same idempotent request is still in flight (Retry-After).',
  },
  PayloadTooLarge: { status: 413, description: 'The body is larger than 64 KiB.' },
  UnsupportedMediaType: { status: 415, description: 'The body is not declared as application/json.' },
  IdempotencyKeyReused: { status: 422, description: 'The Idempotency-Key was used with a different body.' },
  Throttled: { status: 429, description: 'Too many requests; retry after Retry-After seconds.' },
  Unavailable: {
    status: 503,
    description:
      'A dependency (database, workflow engine) is unavailable; nothing was half-written. Retry after Retry-After seconds.',
  },
} as const;
type ErrorResponse = keyof typeof ERROR_RESPONSES;

function errorResponsesFor(route: AnyRoute): ErrorResponse[] {
  // Every route refuses unknown query parameters, so every route can answer 400.
  const list: ErrorResponse[] = ['InvalidInput'];
  if (route.access.public) return list;
  list.push('Unauthenticated', 'Forbidden');
  if (route.path.includes('{id}')) list.push('NotFound');
  if (route.method === 'post') list.push('Conflict');
  if (route.body) list.push('PayloadTooLarge', 'UnsupportedMediaType');
  if (route.operationId === 'createCase') list.push('IdempotencyKeyReused');
  list.push('Throttled', 'Unavailable');
  return list;
}

/** Schemas shown as named components; every route that uses one refers to it. */
const COMPONENT_SCHEMAS: [string, z.ZodType][] = [
  ['Problem', problemSchema],
  ['Case', caseViewSchema],
  ['CaseSummary', caseSummarySchema],
  ['CaseEvent', caseEventSchema],
  ['CaseSubmission', caseSubmissionSchema],
  ['InspectionAction', inspectionActionSchema],
  ['ExtensionAction', extensionActionSchema],
  ['ServiceAction', serviceActionSchema],
  ['RepresentationAction', representationActionSchema],
  ['AppealAction', appealActionSchema],
  ['EnforcementAction', enforcementActionSchema],
  ['DismissalAction', dismissalActionSchema],
];

/**
 * Names the shared schemas in the generator's registry without cloning them (as `.openapi()` and
 * `.meta()` would), so the very instances the routes use become `$ref`s to components.
 */
function nameComponentSchemas(): void {
  for (const [refId, schema] of COMPONENT_SCHEMAS)
    if (!zodToOpenAPIRegistry.has(schema)) zodToOpenAPIRegistry.add(schema, { _internal: { refId } });
}

const retryAfterHeader = {
  schema: { type: 'integer' as const, minimum: 1 },
  description: 'Seconds to wait before retrying.',
};

/**
 * The OpenAPI 3.1 document, generated from the same route table and zod schemas the handlers validate
 * with, so the description cannot drift from what the API accepts.
 */
export function buildOpenApiDocument(routes: readonly AnyRoute[] = ROUTES, options: { serverUrl?: string } = {}) {
  nameComponentSchemas();
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Cognito ID token (locally: `npm run token -- --role <role>`). Roles are the `cognito:groups` claim: reporter, officer, enforcer, auditor.',
  });
  for (const [name, response] of Object.entries(ERROR_RESPONSES)) {
    registry.registerComponent('responses', name, {
      description: response.description,
      ...(response.status === 409 || response.status === 429 || response.status === 503
        ? { headers: { 'Retry-After': retryAfterHeader } }
        : {}),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  }

  for (const route of routes) {
    const responses: Record<string, ResponseConfig | { $ref: string }> = {};
    for (const success of route.responses) {
      responses[String(success.status)] = {
        description: success.description,
        ...(success.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(success.headers).map(([name, description]) => [
                  name,
                  { schema: { type: 'string' as const }, description },
                ]),
              ),
            }
          : {}),
        content: { 'application/json': { schema: success.schema ?? z.object({}).loose() } },
      };
    }
    for (const name of errorResponsesFor(route))
      responses[String(ERROR_RESPONSES[name].status)] = { $ref: `#/components/responses/${name}` };
    const config: RouteConfig = {
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      security: route.access.public ? [] : [{ bearer: [] }],
      ...(route.access.public ? {} : { 'x-rectify-roles': route.access.roles }),
      request: {
        ...(route.params instanceof z.ZodObject && Object.keys(route.params.shape).length
          ? { params: route.params }
          : {}),
        ...(route.query instanceof z.ZodObject && Object.keys(route.query.shape).length ? { query: route.query } : {}),
        ...(route.headers instanceof z.ZodObject && Object.keys(route.headers.shape).length
          ? { headers: route.headers }
          : {}),
        ...(route.body
          ? {
              body: {
                required: true,
                content: { 'application/json': { schema: route.body.schema, example: route.body.example } },
              },
            }
          : {}),
      },
      responses,
    };
    registry.registerPath(config);
  }

  const generator = new OpenApiGeneratorV31([
    ...registry.definitions,
    ...COMPONENT_SCHEMAS.map(([, schema]) => ({ type: 'schema' as const, schema })),
  ]);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Rectify API',
      version: '1.0.0',
      description:
        'Illegal-construction cases (违法建设) from report to close: report, rectification notice, deadline, self-demolition or enforcement, with a verifiable history. Errors are RFC 9457 problem details.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative to where the document is served, so it is right behind any host and stage prefix.
    servers: [{ url: options.serverUrl ?? '.', description: 'Where this document is served from' }],
    tags: [
      { name: 'cases', description: 'Report, read and list cases and their histories.' },
      { name: 'actions', description: 'Officer and enforcer actions on a case.' },
      { name: 'evidence', description: 'Photos and PDFs attached to a case, through presigned uploads and downloads.' },
      { name: 'meta', description: 'The API itself.' },
    ],
  });
}

let openApiDocument: unknown;

/** `GET /openapi.json`: generated once per process from the route table. */
export const openApiOperation: Operation<typeof getOpenApi> = async () => {
  openApiDocument ??= buildOpenApiDocument();
  return { statusCode: 200, body: openApiDocument, headers: { 'cache-control': 'public, max-age=300' } };
};
