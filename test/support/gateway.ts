/**
 * What API Gateway's REST Cognito authorizer hands a Lambda for a verified ID token: its claims as
 * strings (groups comma-joined) in `requestContext.authorizer.claims`, and the token itself, unchanged,
 * in the Authorization header. The token here is not signed: the Lambda trusts the authorizer's check.
 */
export function gatewayAuth(sub: string, groups: string[]): { claims: Record<string, string>; authorization: string } {
  const payload = { sub, 'cognito:groups': groups, token_use: 'id', exp: Math.floor(Date.now() / 1000) + 3600 };
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    claims: { sub, 'cognito:groups': groups.join(','), token_use: 'id', exp: 'Fri Jul 29 18:52:53 UTC 2027' },
    authorization: `Bearer ${segment({ alg: 'RS256', kid: 'test' })}.${segment(payload)}.c2lnbmF0dXJl`,
  };
}
