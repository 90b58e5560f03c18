import { digestCheckingFromEnv } from '#digests/digest-archive';
import { apiHandler } from '../lambda-entry';
import { digestPublicKeyOperation } from '../operations/digests';
import { getDigestPublicKey } from '../routes/get-digest-public-key';

/** GET /digests/public-key: the public half of the KMS key that signs the digests. */
export const handler = apiHandler(getDigestPublicKey, (deps) => digestPublicKeyOperation(deps), {
  digests: digestCheckingFromEnv,
});
