import type { AppDeps } from '#app/context';
import type { HandlerOptions, Operation, ProxyHandler } from '../route-pipeline';
import { makeRouteHandler } from '../route-pipeline';
import type { HealthChecks } from '../health';
import { openApiOperation } from '../openapi';
import type { AnyRoute } from '../routes';
import type * as routes from '../routes';
import { ROUTES } from '../routes';
import { actionOperations, deadlineActionOperations } from './actions';
import { auditOperations, exportCasesOperation } from './audit';
import { healthOperation } from './health';
import { createCaseBatchOperation, createCaseOperation } from './intake';
import { queryOperations } from './queries';
import { evidenceOperations, historyOperation, listEvidenceOperation } from './evidence';
import { downloadDocumentOperation, listDocumentsOperation } from './documents';
import type { ObjectStore } from '#objects/object-store';
import type { DigestPublicKey, DigestSigner } from '#digests/digest-signer';
import { digestPublicKeyOperation, verifyDigestsOperation, writeDigestOperation } from './digests';

export interface ApiDeps extends AppDeps {
  /** The parts `GET /health` checks, by name. */
  health: HealthChecks;
  /** The object store: evidence, documents, large exports. */
  objects: ObjectStore;
  /** The digest bucket and the key that signs the digests (and whose public half checks them). */
  digests: { archive: ObjectStore; signer: DigestSigner; publicKey: DigestPublicKey };
}

type Operations = {
  [K in keyof typeof routes as (typeof routes)[K] extends AnyRoute ? K : never]: (typeof routes)[K] extends AnyRoute
    ? Operation<(typeof routes)[K]>
    : never;
};

/**
 * Every route's operation, bound to its dependencies: what the local server runs. Each Lambda entry
 * (functions/api/handlers) imports only its own route's operation module, so its bundle carries only
 * the services, libraries and clients that route uses.
 */
function makeOperations(deps: ApiDeps): Operations {
  return {
    createCase: createCaseOperation(deps),
    createCaseBatch: createCaseBatchOperation(deps),
    ...queryOperations(deps),
    getCaseHistory: historyOperation(deps),
    ...evidenceOperations(deps),
    listEvidence: listEvidenceOperation(deps),
    listDocuments: listDocumentsOperation(deps),
    downloadDocument: downloadDocumentOperation(deps),
    ...actionOperations(deps),
    ...deadlineActionOperations(deps),
    ...auditOperations(deps),
    exportCases: exportCasesOperation(deps),
    getOpenApi: openApiOperation,
    getHealth: healthOperation(deps),
    writeDigest: writeDigestOperation(deps),
    verifyDigests: verifyDigestsOperation(deps),
    getDigestPublicKey: digestPublicKeyOperation(deps),
  };
}

/** Every route bound to its operation and wrapped in the handler pipeline: what a server or Lambda runs. */
export function bindRoutes(
  deps: ApiDeps,
  options: Omit<HandlerOptions, 'clock'> = {},
): { route: AnyRoute; handler: ProxyHandler }[] {
  const operations = makeOperations(deps) as unknown as Record<string, Operation<AnyRoute>>;
  return ROUTES.map((route) => {
    const operation = operations[route.operationId];
    if (!operation) throw new Error(`route ${route.operationId} has no operation`);
    return {
      route,
      handler: makeRouteHandler(route as AnyRoute, operation, { clock: deps.clock, logger: deps.logger, ...options }),
    };
  });
}
