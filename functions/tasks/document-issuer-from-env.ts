import type { DocumentIssuer } from '#app/document-issuer';
import { makeDocumentIssuer } from '#app/document-issuer';
import { issuingOfficesFromEnv } from '#documents/issuing-offices';
import type { ObjectStore } from '#objects/object-store';

/**
 * The document issuer of a task that issues documents: the offices from ISSUING_OFFICES_JSON (checked
 * against the sub-districts of the mail configuration), the renderer and its font, the object store.
 * Apart from deps-from-env.ts so that only these tasks' bundles carry the renderer.
 */
export function documentIssuerFromEnv(env: NodeJS.ProcessEnv, shared: { objects: ObjectStore }): DocumentIssuer {
  return makeDocumentIssuer({ objects: shared.objects, offices: issuingOfficesFromEnv(env) });
}
