import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JWK, JWTPayload } from 'jose';
import { SignJWT, importJWK } from 'jose';
import { principalOf } from '#api/auth';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '#local/local-auth';
import type { ApiHarness } from '../api/support/harness';
import { client, startApiHarness } from '../api/support/harness';
import { seedSubmission } from '../fixtures/submissions';

/**
 * Tokens, as an attack found them: one without `exp` was accepted, `kid` and `token_use` were ignored,
 * group names were split on commas and spaces (a group named "x,officer" acted as officer), a
 * reporter+officer acted as reporter on POST /cases though the docs say officer wins, the 401 told why
 * the library refused the token, and the body was read before the token was checked.
 */
let api: ApiHarness;
let dataDir: string;
let sign: (payload: JWTPayload, options?: { kid?: string; omitExp?: boolean }) => Promise<string>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-tokens-'));
  api = await startApiHarness({ dataDir });
  const { kid, privateJwk } = JSON.parse(
    readFileSync(path.join(dataDir, 'auth', 'local-signing-key.json'), 'utf8'),
  ) as { kid: string; privateJwk: JWK };
  const key = await importJWK(privateJwk, 'ES256');
  sign = async (payload, options = {}) => {
    let jwt = new SignJWT({ token_use: 'id', ...payload })
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? kid })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt();
    if (!options.omitExp) jwt = jwt.setExpirationTime('1h');
    return jwt.sign(key);
  };
});
afterAll(async () => {
  await api?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const list = (token: string) => client(api.url, token).get('/cases?status=REPORTED');

describe('what a token must be', () => {
  it('the genuine token passes (the signer above signs as the stack does)', async () => {
    expect((await list(await sign({ sub: 'o-1', 'cognito:groups': ['officer'] }))).status).toBe(200);
  });

  it.each([
    ['without exp', { sub: 'o-1', 'cognito:groups': ['officer'] }, { omitExp: true }],
    ['an access token', { sub: 'o-1', 'cognito:groups': ['officer'], token_use: 'access' }, {}],
    ['without token_use', { sub: 'o-1', 'cognito:groups': ['officer'], token_use: undefined }, {}],
    ['naming another key', { sub: 'o-1', 'cognito:groups': ['officer'] }, { kid: 'local-other' }],
    ['without sub', { 'cognito:groups': ['officer'] }, {}],
  ] as const)('a token %s is refused with 401 and a detail that does not say why', async (_kind, payload, options) => {
    const answer = await list(await sign(payload as JWTPayload, options));
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toBe('The bearer token was refused: sign in again (npm run token).');
  });

  it('an expired token gets the same detail as a forged one', async () => {
    const expired = await list(await api.auth.issue({ role: 'officer', ttlSeconds: -60 }));
    const forged = await list(`${(await sign({ sub: 'o-1', 'cognito:groups': ['auditor'] })).slice(0, -4)}AAAA`);
    expect([expired.status, forged.status]).toEqual([401, 401]);
    expect(expired.body.detail).toBe(forged.body.detail);
  });
});

describe('groups', () => {
  it.each([['x,officer'], ['x officer'], ['[officer]'], ['officer '], ['Officer'], ['officer,auditor']])(
    'a group named %j grants no role',
    async (group) => {
      const answer = await list(await sign({ sub: 'g-1', 'cognito:groups': [group] }));
      expect(answer.status).toBe(403);
    },
  );

  it('the comma-joined string API Gateway passes is never split: the token in the Authorization header decides', () => {
    const claims = { sub: 'u-1', token_use: 'id', 'cognito:groups': 'x,officer' };
    const bearer = (groups: string[], sub = 'u-1') =>
      `Bearer e30.${Buffer.from(JSON.stringify({ sub, 'cognito:groups': groups })).toString('base64url')}.sig`;
    const event = (authorization?: string) =>
      ({
        requestContext: { authorizer: { claims } },
        headers: authorization ? { Authorization: authorization } : {},
      }) as never;
    expect(principalOf(event(bearer(['x,officer'])))).toEqual({
      sub: 'u-1',
      roles: [],
      scope: { city: false, subdistricts: [] },
    });
    expect(principalOf(event(bearer(['x', 'officer'])))).toEqual({
      sub: 'u-1',
      roles: ['officer'],
      scope: { city: false, subdistricts: [] },
    });
    expect(principalOf(event(bearer(['officer'], 'someone-else')))).toEqual({
      sub: 'u-1',
      roles: [],
      scope: { city: false, subdistricts: [] },
    });
    expect(principalOf(event())).toEqual({ sub: 'u-1', roles: [], scope: { city: false, subdistricts: [] } });
    expect(
      principalOf({
        requestContext: { authorizer: { claims: { ...claims, token_use: 'access' } } },
        headers: {},
      } as never),
    ).toBeUndefined();
  });
});

describe('several roles', () => {
  it('a reporter who is also an officer acts as officer on POST /cases, as docs/api.md says', async () => {
    const token = await api.auth.issue({ role: 'reporter', sub: 'both-1', groups: ['reporter', 'officer', 'city'] });
    const answer = await client(api.url, token).post('/cases', seedSubmission(), {
      'idempotency-key': `both-${Date.now()}`,
    });
    expect(answer.status).toBe(201);
    const first = (await api.store.history(answer.body.id)).items[0];
    expect(first?.actor).toEqual({ sub: 'both-1', role: 'officer' });
  });
});

describe('order of checks', () => {
  it('a bad token on a body larger than the limit is 401, not 413: the body is not read first', async () => {
    const big = 'x'.repeat(200_000);
    const answer = await client(api.url, 'not-a-token').postRaw('/cases', big, {
      'content-type': 'application/json',
      'idempotency-key': 'k-big',
    });
    expect(answer.status).toBe(401);
  });
});
