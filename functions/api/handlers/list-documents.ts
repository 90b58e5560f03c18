import { apiHandler } from '../lambda-entry';
import { listDocumentsOperation } from '../operations/documents';
import { listDocuments } from '../routes/list-documents';

/** GET /cases/{id}/documents: the documents issued on a case. */
export const handler = apiHandler(listDocuments, (deps) => listDocumentsOperation(deps));
