import { digestCheckingFromEnv } from '#digests/digest-archive';
import { apiHandler } from '../lambda-entry';
import { verifyDigestsOperation } from '../operations/digests';
import { verifyDigests } from '../routes/verify-digests';

/** GET /digests/verification: the table's histories against the signed digests. */
export const handler = apiHandler(verifyDigests, (deps) => verifyDigestsOperation(deps), {
  digests: digestCheckingFromEnv,
});
