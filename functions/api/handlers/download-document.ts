import { objectStoreFromEnv } from '#objects/s3-object-store';
import { apiHandler } from '../lambda-entry';
import { downloadDocumentOperation } from '../operations/documents';
import { downloadDocument } from '../routes/download-document';

/** GET /cases/{id}/documents/{number}/download: a 60-second download link for a document's PDF. */
export const handler = apiHandler(downloadDocument, (deps) => downloadDocumentOperation(deps), {
  objects: objectStoreFromEnv,
});
