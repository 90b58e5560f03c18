import { digestSigningFromEnv } from '#digests/digest-archive';
import { apiHandler } from '../lambda-entry';
import { writeDigestOperation } from '../operations/digests';
import { writeDigest } from '../routes/write-digest';

/** POST /digests: the next signed digest of the chain heads, now. */
export const handler = apiHandler(writeDigest, (deps) => writeDigestOperation(deps), { digests: digestSigningFromEnv });
