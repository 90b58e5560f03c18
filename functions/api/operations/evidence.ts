import type { EvidenceDeps } from '#app/case-evidence';
import { makeCaseEvidence } from '#app/case-evidence';
import { makeEvidenceFiles } from '#app/evidence-files';
import { makeCaseDocumentFiles } from '#app/case-documents';
import { makeCaseQueries } from '#app/case-queries';
import type { QueryDeps } from '#app/context';
import type { Operation } from '../route-pipeline';
import { requireViewer } from '../route-pipeline';
import type * as routes from '../routes';

/** Files of evidence: upload requests, confirmations, lists and download links. */
export function evidenceOperations(deps: EvidenceDeps): {
  requestEvidenceUpload: Operation<typeof routes.requestEvidenceUpload>;
  confirmEvidence: Operation<typeof routes.confirmEvidence>;
  downloadEvidence: Operation<typeof routes.downloadEvidence>;
} {
  const evidence = makeCaseEvidence(deps);
  return {
    requestEvidenceUpload: async (input) => ({
      statusCode: 201,
      body: await evidence.requestUpload(requireViewer(input), input.params.id, input.body),
    }),
    confirmEvidence: async (input) => ({
      statusCode: 201,
      body: await evidence.confirm(requireViewer(input), input.params.id, input.body),
    }),
    downloadEvidence: async (input) => ({
      statusCode: 200,
      body: await evidence.download(requireViewer(input), input.params.id, input.params.evidenceId),
    }),
  };
}

/** The list needs no object store: what it shows is in the history. */
export function listEvidenceOperation(deps: Pick<EvidenceDeps, 'store'>): Operation<typeof routes.listEvidence> {
  return async (input) => {
    const viewer = requireViewer(input);
    return {
      statusCode: 200,
      body: { items: await makeEvidenceFiles(deps).files(viewer, input.params.id) },
    };
  };
}

/**
 * The history page, and with verify=true every file of evidence and every issued document hashed again
 * against its event.
 */
export function historyOperation(deps: QueryDeps & EvidenceDeps): Operation<typeof routes.getCaseHistory> {
  const queries = makeCaseQueries(deps);
  const evidence = makeCaseEvidence(deps);
  const documents = makeCaseDocumentFiles(deps);
  return async (input) => {
    const verify = input.query.verify === 'true';
    const page = await queries.history(requireViewer(input), input.params.id, {
      cursor: input.query.cursor,
      limit: input.query.limit,
      verify,
    });
    return {
      statusCode: 200,
      body: verify
        ? {
            ...page,
            evidenceVerification: await evidence.verify(input.params.id),
            documentVerification: await documents.verify(input.params.id),
          }
        : page,
    };
  };
}
