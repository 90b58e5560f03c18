import { digestVerificationQuery, digestVerificationSchema } from '../digest-schemas';
import { noHeaders, noParams } from '../request-schemas';
import { AUDIT_ROLES, defineRoute } from './define';

export const verifyDigests = defineRoute({
  operationId: 'verifyDigests',
  method: 'get',
  path: '/digests/verification',
  entry: 'verify-digests',
  summary: "Check the table's histories against the signed digests",
  description:
    "Checks every digest's signature with the public key and its link to the previous digest, then replays the history of each anchored case against the latest head a signed digest anchored: names each case whose history or head was rewritten after it was anchored. Cases are checked in id order while time allows; an answer with `cases.complete` false is continued with `after`.",
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  uses: { digests: 'verify' },
  params: noParams,
  query: digestVerificationQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The verdict.', schema: digestVerificationSchema }],
});
