import { makeCaseDocumentFiles, makeCaseDocumentList } from '#app/case-documents';
import type { ObjectStore } from '#objects/object-store';
import type { CaseStore } from '#store/case-store';
import type { Operation } from '../route-pipeline';
import { requireViewer } from '../route-pipeline';
import type * as routes from '../routes';

/** The list needs no object store: what it shows is in the history and on the case. */
export function listDocumentsOperation(deps: { store: CaseStore }): Operation<typeof routes.listDocuments> {
  const list = makeCaseDocumentList(deps);
  return async (input) => ({ statusCode: 200, body: { items: await list(requireViewer(input), input.params.id) } });
}

export function downloadDocumentOperation(deps: {
  store: CaseStore;
  objects: ObjectStore;
}): Operation<typeof routes.downloadDocument> {
  const files = makeCaseDocumentFiles(deps);
  return async (input) => ({
    statusCode: 200,
    body: await files.download(requireViewer(input), input.params.id, input.params.number),
  });
}
