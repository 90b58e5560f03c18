import type { AppDeps } from '../app/context';
import type { CaseRecord } from '../domain/schemas';
import { makeCaseActions } from '../app/case-actions';
import { makeCaseQueries } from '../app/case-queries';
import { makeCaseExports } from '../app/case-exports';
import { toCaseView } from '../app/case-view';
import { makeCaseIntake } from '../app/report-case';
import type { HandlerOptions, Operation, OperationInput, ProxyHandler } from './handler';
import { makeRouteHandler, requireViewer } from './handler';
import type { ApiResult } from './http';
import { invalidInput } from './problem';
import { versionFromIfMatch } from './request-schemas';
import type { AnyRoute } from './routes';
import type * as routes from './routes';
import { ROUTES } from './routes';
import { buildOpenApiDocument } from './openapi';
import type { HealthChecks } from './health';
import { checkHealth } from './health';

export interface ApiDeps extends AppDeps {
  /** The parts `GET /health` checks, by name. */
  health: HealthChecks;
}

function caseResult(record: CaseRecord, statusCode = 200, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, body: toCaseView(record), headers: { etag: `"${record.version}"`, ...headers } };
}

/** The version an action was decided on: `expectedVersion` in the body or `If-Match`; they must agree. */
function pinnedVersion(input: OperationInput<AnyRoute> & { body: { expectedVersion?: number }; headers: { 'If-Match'?: string } }): number | undefined {
  const fromHeader = versionFromIfMatch(input.headers['If-Match']);
  const fromBody = input.body.expectedVersion;
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    throw invalidInput([{ field: 'If-Match', in: 'header', message: `names version ${fromHeader} but expectedVersion in the body is ${fromBody}` }]);
  }
  return fromBody ?? fromHeader;
}

type Operations = {
  [K in keyof typeof routes as (typeof routes)[K] extends AnyRoute ? K : never]: (typeof routes)[K] extends AnyRoute ? Operation<(typeof routes)[K]> : never;
};

let openApiDocument: unknown;

/** `GET /openapi.json`: generated once per process from the route table. */
export const openApiOperation: Operation<typeof routes.getOpenApi> = async () => {
  openApiDocument ??= buildOpenApiDocument();
  return { statusCode: 200, body: openApiDocument, headers: { 'cache-control': 'public, max-age=300' } };
};

/** Every route's operation, bound to its dependencies. */
export function makeOperations(deps: ApiDeps): Operations {
  const intake = makeCaseIntake(deps);
  const queries = makeCaseQueries(deps);
  const actions = makeCaseActions(deps);
  const audit = makeCaseExports(deps);
  return {
    createCase: async (input) => {
      const viewer = requireViewer(input);
      const result = await intake.submit({ actor: { sub: viewer.sub, role: viewer.role }, idempotencyKey: input.headers['Idempotency-Key'], submission: input.body });
      return {
        statusCode: result.statusCode,
        body: result.body,
        headers: {
          location: `${input.requestPath.replace(/\/+$/, '')}/${result.body.id}`,
          etag: `"${result.body.version}"`,
          ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
        },
      };
    },
    getCase: async (input) => caseResult(await queries.getCase(requireViewer(input), input.params.id)),
    listCases: async (input) => {
      const { overdue, ...filter } = input.query;
      const page = await queries.listCases(requireViewer(input), { ...filter, overdue: overdue === 'true' });
      return { statusCode: 200, body: page };
    },
    getCaseHistory: async (input) => {
      const page = await queries.history(requireViewer(input), input.params.id, { cursor: input.query.cursor, limit: input.query.limit, verify: input.query.verify === 'true' });
      return { statusCode: 200, body: page };
    },
    recordInspection: async (input) =>
      caseResult(await actions.recordInspection(requireViewer(input), input.params.id, { ...input.body, expectedVersion: pinnedVersion(input) })),
    grantExtension: async (input) =>
      caseResult(await actions.grantExtension(requireViewer(input), input.params.id, { ...input.body, expectedVersion: pinnedVersion(input) })),
    recordRepresentation: async (input) =>
      caseResult(await actions.recordRepresentation(requireViewer(input), input.params.id, { ...input.body, expectedVersion: pinnedVersion(input) })),
    recordAppeal: async (input) =>
      caseResult(await actions.recordAppeal(requireViewer(input), input.params.id, { ...input.body, expectedVersion: pinnedVersion(input) })),
    recordEnforcement: async (input) =>
      caseResult(await actions.recordEnforcement(requireViewer(input), input.params.id, { ...input.body, expectedVersion: pinnedVersion(input) })),
    dismissCase: async (input) =>
      caseResult(await actions.dismiss(requireViewer(input), input.params.id, { ...input.body, expectedVersion: pinnedVersion(input) })),
    exportCases: async (input) => {
      const { overdue, format, ...filter } = input.query;
      const chunk = await audit.exportList(requireViewer(input), { ...filter, overdue: overdue === 'true' }, format);
      return {
        statusCode: 200,
        text: chunk.text,
        headers: {
          'content-type': chunk.contentType,
          'content-disposition': `attachment; filename="cases.${format}"`,
          'x-row-count': String(chunk.rows),
          ...(chunk.cursor ? { 'x-next-cursor': chunk.cursor } : {}),
        },
      };
    },
    exportCaseHistory: async (input) => {
      const chunk = await audit.exportChronology(requireViewer(input), input.params.id, input.query.format);
      return {
        statusCode: 200,
        text: chunk.text,
        headers: { 'content-type': chunk.contentType, 'content-disposition': `attachment; filename="${input.params.id}-history.${input.query.format}"`, 'x-row-count': String(chunk.rows) },
      };
    },
    getSummaryReport: async (input) => {
      requireViewer(input);
      return { statusCode: 200, body: await audit.summary(input.query) };
    },
    getOpenApi: openApiOperation,
    getHealth: async () => {
      const report = await checkHealth(deps.health);
      return report.status === 'ok' ? { statusCode: 200, body: report } : { statusCode: 503, body: report, headers: { 'retry-after': '5' } };
    },
  };
}

/** Every route bound to its operation and wrapped in the handler pipeline: what a server or Lambda runs. */
export function bindRoutes(deps: ApiDeps, options: Omit<HandlerOptions, 'clock'> = {}): { route: AnyRoute; handler: ProxyHandler }[] {
  const operations = makeOperations(deps) as unknown as Record<string, Operation<AnyRoute>>;
  return ROUTES.map((route) => {
    const operation = operations[route.operationId];
    if (!operation) throw new Error(`route ${route.operationId} has no operation`);
    return { route, handler: makeRouteHandler(route as AnyRoute, operation, { clock: deps.clock, logger: deps.logger, ...options }) };
  });
}
