import type { z } from 'zod';
import {
  appealActionSchema,
  caseSubmissionSchema,
  caseSubmissionSchemaAt,
  dismissalActionSchema,
  enforcementActionSchema,
  enforcementActionSchemaAt,
  extensionActionSchema,
  inspectionActionSchema,
  inspectionActionSchemaAt,
  representationActionSchema,
} from '../domain/schemas';
import type { Access } from './auth';
import {
  actionHeaders,
  caseIdParams,
  casePageSchema,
  caseViewSchema,
  createCaseHeaders,
  exportCasesQuery,
  exportHistoryQuery,
  summaryQuery,
  summarySchema,
  healthSchema,
  historyPageSchema,
  historyQuery,
  listCasesQuery,
  noHeaders,
  noParams,
  noQuery,
} from './request-schemas';
import { EXAMPLES } from './examples';

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
  /** Success responses; error responses follow from `access`, `body` and `params`. */
  responses: ResponseSpec[];
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, H extends z.ZodType, B extends z.ZodType = z.ZodNever>(
  spec: RouteSpec<P, Q, H, B>,
): RouteSpec<P, Q, H, B> {
  return spec;
}

const READ_ROLES = ['officer', 'enforcer', 'auditor', 'reporter'] as const;

const caseResponse = (status: number, description: string): ResponseSpec => ({
  status,
  description,
  schema: caseViewSchema,
  headers: { ETag: 'The case version, for If-Match on the next action.' },
});

const actionDescription = (what: string) =>
  `${what} Pin the case version you decided on with \`expectedVersion\` in the body or \`If-Match\` (the ETag of GET /cases/{id}); a newer case answers 409. An action the procedure does not allow in the case's current status answers 409 with the reason. When the workflow is waiting for this step it is answered.`;

export const createCase = defineRoute({
  operationId: 'createCase',
  method: 'post',
  path: '/cases',
  entry: 'create-case',
  summary: 'Report a suspected illegal construction',
  description:
    'Creates a case in REPORTED and starts its workflow. `Idempotency-Key` is required: repeating a request with the same key and body returns the original response (header `Idempotent-Replayed: true`); the same key with another body answers 422; while the first request is still being processed, 409 with Retry-After. Cases already open at the same address are listed in `possibleDuplicates`.',
  tags: ['cases'],
  access: { roles: ['reporter', 'officer'], writes: true },
  params: noParams,
  query: noQuery,
  headers: createCaseHeaders,
  body: { schema: caseSubmissionSchema, at: caseSubmissionSchemaAt, example: EXAMPLES.submission },
  responses: [
    {
      status: 201,
      description: 'The case was created (or this is the replay of the request that created it).',
      schema: caseViewSchema,
      headers: { Location: 'The URL of the new case.', ETag: 'The case version.', 'Idempotent-Replayed': '`true` when this is the stored response to an earlier request.' },
    },
  ],
});

export const getCase = defineRoute({
  operationId: 'getCase',
  method: 'get',
  path: '/cases/{id}',
  entry: 'get-case',
  summary: 'Read one case',
  description: 'Reporters read only the cases they submitted; any other case answers 404.',
  tags: ['cases'],
  access: { roles: READ_ROLES, writes: false },
  params: caseIdParams,
  query: noQuery,
  headers: noHeaders,
  responses: [caseResponse(200, 'The case as it stands now.')],
});

export const listCases = defineRoute({
  operationId: 'listCases',
  method: 'get',
  path: '/cases',
  entry: 'list-cases',
  summary: 'List cases by sub-district, status or overdue deadline',
  description:
    'Lists come from indexes, so give `subdistrict` (optionally `community`, `from`, `to`), or `status`, or `overdue=true`. With a sub-district, cases come in report order; with a status, earliest running deadline first. Reporters see only their own submissions. Follow `cursor` until it is absent; a page may hold fewer than `limit` items.',
  tags: ['cases'],
  access: { roles: READ_ROLES, writes: false },
  params: noParams,
  query: listCasesQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'One page of case summaries.', schema: casePageSchema }],
});

export const getCaseHistory = defineRoute({
  operationId: 'getCaseHistory',
  method: 'get',
  path: '/cases/{id}/history',
  entry: 'get-case-history',
  summary: "Read a case's history (append-only, hash-chained)",
  description: 'Events in sequence order, paginated. With `verify=true` the whole SHA-256 chain is verified against the head recorded on the case, across every page.',
  tags: ['cases'],
  access: { roles: READ_ROLES, writes: false },
  params: caseIdParams,
  query: historyQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'One page of events, and the verdict when asked for.', schema: historyPageSchema }],
});

export const recordInspection = defineRoute({
  operationId: 'recordInspection',
  method: 'post',
  path: '/cases/{id}/inspections',
  entry: 'record-inspection',
  summary: 'Record an inspection result (复查)',
  description: actionDescription(
    'Officers record the inspection after the notice deadline; during persuasion (督促自行拆除) the reporting community may record whether the party demolished. `areaRemovedM2` is the area removed so far.',
  ),
  tags: ['actions'],
  access: { roles: ['officer', 'reporter'], writes: true },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: inspectionActionSchema, at: inspectionActionSchemaAt, example: EXAMPLES.inspection },
  responses: [caseResponse(200, 'The case after the inspection.')],
});

export const grantExtension = defineRoute({
  operationId: 'grantExtension',
  method: 'post',
  path: '/cases/{id}/extensions',
  entry: 'grant-extension',
  summary: 'Extend the notice deadline (延期)',
  description: actionDescription(
    'The new deadline is the end of `newDeadline` in Asia/Shanghai; it must be later than the current one and within the policy (`extensions.maxCount`, `extensions.maxTotalDays`).',
  ),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: extensionActionSchema, example: EXAMPLES.extension },
  responses: [caseResponse(200, 'The case with its new deadline.')],
});

export const recordRepresentation = defineRoute({
  operationId: 'recordRepresentation',
  method: 'post',
  path: '/cases/{id}/representations',
  entry: 'record-representation',
  summary: "Record the party's statement and defence (陈述申辩)",
  description: actionDescription('Accepting the representation dismisses the case; rejecting it leaves the case where it is.'),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: representationActionSchema, example: EXAMPLES.representation },
  responses: [caseResponse(200, 'The case after the representation.')],
});

export const recordAppeal = defineRoute({
  operationId: 'recordAppeal',
  method: 'post',
  path: '/cases/{id}/appeals',
  entry: 'record-appeal',
  summary: 'Record an appeal (复议/诉讼) being filed or resolved',
  description: actionDescription(
    'A filed appeal puts the case ON_HOLD and stops its workflow; a resolution either upholds the enforcement decision (enforcement resumes) or revokes it (the case is dismissed).',
  ),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  // The hold stops the workflow, so the appeal-hold email to the sub-district office is sent from here.
  sendsMail: true,
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: appealActionSchema, example: EXAMPLES.appealFiled },
  responses: [caseResponse(200, 'The case after the appeal step.')],
});

export const recordEnforcement = defineRoute({
  operationId: 'recordEnforcement',
  method: 'post',
  path: '/cases/{id}/enforcement',
  entry: 'record-enforcement',
  summary: 'Record the forced demolition as done (强制拆除)',
  description: actionDescription('Recorded by the enforcement team once the scheduled demolition is carried out.'),
  tags: ['actions'],
  access: { roles: ['enforcer'], writes: true },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: enforcementActionSchema, at: enforcementActionSchemaAt, example: EXAMPLES.enforcement },
  responses: [caseResponse(200, 'The case after enforcement.')],
});

export const dismissCase = defineRoute({
  operationId: 'dismissCase',
  method: 'post',
  path: '/cases/{id}/dismissal',
  entry: 'dismiss-case',
  summary: 'Dismiss a case (not a violation, duplicate, withdrawn…)',
  description: actionDescription('Possible from any open status; stops the workflow.'),
  tags: ['actions'],
  access: { roles: ['officer'], writes: true },
  params: caseIdParams,
  query: noQuery,
  headers: actionHeaders,
  body: { schema: dismissalActionSchema, example: EXAMPLES.dismissal },
  responses: [caseResponse(200, 'The dismissed case.')],
});

const AUDIT_ROLES = ['officer', 'auditor'] as const;

export const exportCases = defineRoute({
  operationId: 'exportCases',
  method: 'get',
  path: '/cases/export',
  entry: 'export-cases',
  summary: 'Export a filtered case list as CSV or JSON',
  description: `The same filters as GET /cases. Up to ${5000} rows per response; when there are more, the \`X-Next-Cursor\` header carries the cursor for the next response. CSV is UTF-8 with a byte-order mark so spreadsheet programs show Chinese correctly.`,
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  params: noParams,
  query: exportCasesQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The export.', headers: { 'X-Next-Cursor': 'Present when more rows remain.', 'X-Row-Count': 'Rows in this response.' } }],
});

export const exportCaseHistory = defineRoute({
  operationId: 'exportCaseHistory',
  method: 'get',
  path: '/cases/{id}/history/export',
  entry: 'export-case-history',
  summary: "Export a case's chronology as CSV or JSON",
  description: 'Every event of the case in order, with its hashes, so the chronology can be checked outside Rectify.',
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  params: caseIdParams,
  query: exportHistoryQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The chronology.' }],
});

export const getSummaryReport = defineRoute({
  operationId: 'getSummaryReport',
  method: 'get',
  path: '/reports/summary',
  entry: 'get-summary-report',
  summary: 'The work-summary figures by sub-district and community',
  description:
    'For the cases reported in the period (dates inclusive, Asia/Shanghai): reported, notices issued, self-demolished, enforced, dismissed, open, overdue, area removed (m²) and median days from report to close — per community, per sub-district and in total. Only the period\'s cases of the asked sub-districts are read.',
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  params: noParams,
  query: summaryQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The figures.', schema: summarySchema }],
});

export const getOpenApi = defineRoute({
  operationId: 'getOpenApi',
  method: 'get',
  path: '/openapi.json',
  entry: 'get-openapi',
  summary: 'This API, described in OpenAPI 3.1',
  tags: ['meta'],
  access: { public: true },
  params: noParams,
  query: noQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The OpenAPI document.' }],
});

export const getHealth = defineRoute({
  operationId: 'getHealth',
  method: 'get',
  path: '/health',
  entry: 'health',
  summary: 'Whether every part the API depends on is up',
  tags: ['meta'],
  access: { public: true },
  params: noParams,
  query: noQuery,
  headers: noHeaders,
  responses: [
    { status: 200, description: 'Every part is up.', schema: healthSchema },
    { status: 503, description: 'A part is down; `parts` names it.', schema: healthSchema, headers: { 'Retry-After': 'Seconds to wait before asking again.' } },
  ],
});

/**
 * The route table: the local server routes with it, the OpenAPI document is generated from it and the
 * CDK stack makes one API Gateway method and one Lambda per entry. A new route is one more entry here,
 * an operation in `operations.ts` and a tiny handler file.
 */
export const ROUTES = [
  createCase,
  listCases,
  getCase,
  getCaseHistory,
  recordInspection,
  grantExtension,
  recordRepresentation,
  recordAppeal,
  recordEnforcement,
  dismissCase,
  exportCases,
  exportCaseHistory,
  getSummaryReport,
  getOpenApi,
  getHealth,
] as const satisfies readonly RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>[];

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;
