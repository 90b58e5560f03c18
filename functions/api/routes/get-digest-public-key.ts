import { digestPublicKeySchema } from '../digest-schemas';
import { noHeaders, noParams, noQuery } from '../request-schemas';
import { AUDIT_ROLES, defineRoute } from './define';

export const getDigestPublicKey = defineRoute({
  operationId: 'getDigestPublicKey',
  method: 'get',
  path: '/digests/public-key',
  entry: 'get-digest-public-key',
  summary: 'The public key that checks the digest signatures',
  description:
    'The public half of the digest signing key (in AWS the KMS key; its private half never leaves KMS). With it and the digest files, an auditor checks every signature offline, e.g. with openssl (docs/digests.md).',
  tags: ['audit'],
  access: { roles: AUDIT_ROLES, writes: false },
  uses: { digests: 'verify' },
  params: noParams,
  query: noQuery,
  headers: noHeaders,
  responses: [{ status: 200, description: 'The key.', schema: digestPublicKeySchema }],
});
