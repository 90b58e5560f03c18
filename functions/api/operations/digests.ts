import type { AppDeps } from '#app/context';
import { makeDigestVerifier, makeDigestWriter } from '#app/digests';
import type { DigestPublicKey, DigestSigner } from '#digests/digest-signer';
import type { ObjectStore } from '#objects/object-store';
import type { Viewer } from '#app/case-view';
import { HttpProblem } from '../problem';
import type { Operation } from '../route-pipeline';
import { requireViewer } from '../route-pipeline';
import type * as routes from '../routes';

/** What the API function of each digest route answers within (API Gateway stops waiting at 29 s). */
const VERIFICATION_BUDGET_MS = 20_000;

/**
 * A digest spans every sub-district: only city-wide staff (auditors, the city group) write or check one,
 * so that a sub-district's officer does not learn of the cases of another.
 */
function requireCityWide(input: { viewer?: Viewer }): void {
  const viewer = requireViewer(input);
  if (viewer.role !== 'auditor' && !viewer.scope.city)
    throw new HttpProblem('forbidden', 'Digests cover every sub-district: only city-wide staff write or check them.');
}

type DigestRouteDeps<D> = Pick<AppDeps, 'store' | 'clock'> & { digests: D };

/** POST /digests: the next digest, now. */
export function writeDigestOperation(
  deps: DigestRouteDeps<{ archive: ObjectStore; signer: DigestSigner }>,
): Operation<typeof routes.writeDigest> {
  const writer = makeDigestWriter(deps);
  return async (input) => {
    requireCityWide(input);
    return { statusCode: 200, body: await writer.now() };
  };
}

/** GET /digests/verification: the table against the signed digests, as far as time allows. */
export function verifyDigestsOperation(
  deps: DigestRouteDeps<{ archive: ObjectStore; publicKey: DigestPublicKey }>,
): Operation<typeof routes.verifyDigests> {
  const verifier = makeDigestVerifier(deps);
  return async (input) => {
    requireCityWide(input);
    return {
      statusCode: 200,
      body: await verifier.verify({ after: input.query.after, budgetMs: VERIFICATION_BUDGET_MS }),
    };
  };
}

/** GET /digests/public-key. */
export function digestPublicKeyOperation(deps: {
  digests: { publicKey: DigestPublicKey };
}): Operation<typeof routes.getDigestPublicKey> {
  return async (input) => {
    requireCityWide(input);
    return {
      statusCode: 200,
      body: {
        algorithm: 'ECDSA_SHA_256' as const,
        curve: 'P-256' as const,
        publicKeyPem: await deps.digests.publicKey.publicKeyPem(),
      },
    };
  };
}
