import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT, generateKeyPair } from 'jose';
import { principalOf } from '#api/auth';
import { gatewayAuth } from '../support/gateway';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localAuth } from '#local/local-auth';
import type { ApiHarness } from './support/harness';
import { client, startApiHarness } from './support/harness';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

describe('Cognito claims', () => {
  it('takes the principal from requestContext.authorizer.claims, its roles from the token the authorizer verified, and ignores unknown groups', () => {
    const { claims, authorization } = gatewayAuth('u-1', ['admins', 'officer']);
    expect(
      principalOf({ requestContext: { authorizer: { claims } }, headers: { Authorization: authorization } } as never),
    ).toEqual({ sub: 'u-1', roles: ['officer'], scope: { city: false, subdistricts: [] } });
    expect(
      principalOf({
        requestContext: { authorizer: { claims: { sub: 'u-2', token_use: 'id', 'cognito:groups': ['enforcer'] } } },
        headers: {},
      } as never),
    ).toEqual({ sub: 'u-2', roles: ['enforcer'], scope: { city: false, subdistricts: [] } });
    expect(principalOf({ requestContext: {} } as never)).toBeUndefined();
  });
});

describe('local tokens', () => {
  let api: ApiHarness;
  let dataDir: string;
  beforeAll(async () => {
    api = await startApiHarness();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-token-'));
  });
  afterAll(async () => {
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('verifies to claims shaped as API Gateway passes them: strings, groups comma-joined', async () => {
    const auth = await localAuth(dataDir);
    const claims = await auth.verify(await auth.issue({ role: 'auditor', sub: 'audit-7' }));
    expect(claims).toMatchObject({
      sub: 'audit-7',
      'cognito:groups': 'auditor,city',
      token_use: 'id',
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
    });
    expect(Object.values(claims).every((v) => typeof v === 'string')).toBe(true);
  });

  it('keeps one signing key per data folder, so a later process accepts earlier tokens', async () => {
    const token = await (await localAuth(dataDir)).issue({ role: 'officer' });
    await expect((await localAuth(dataDir)).verify(token)).resolves.toMatchObject({ sub: 'local-officer' });
  });

  it('answers 401 with problem+json for a missing, forged or expired token', async () => {
    expect((await api.anonymous.get('/cases?status=REPORTED')).status).toBe(401);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ 'cognito:groups': ['officer'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('x')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
    const refused = await client(api.url, forged).get('/cases?status=REPORTED');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('www-authenticate')).toContain('Bearer');
    const expired = await api.auth.issue({ role: 'officer', ttlSeconds: -10 });
    expect((await client(api.url, expired).get('/cases?status=REPORTED')).status).toBe(401);
  });

  it('prints a token the API accepts with npm run token', async () => {
    const { stdout } = await run(
      path.join(root, 'node_modules/.bin/tsx'),
      ['scripts/token.ts', '--role', 'enforcer', '--sub', 'team-3', '--data-dir', dataDir],
      {
        cwd: root,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    const claims = await (await localAuth(dataDir)).verify(stdout.trim());
    expect(claims).toMatchObject({ sub: 'team-3', 'cognito:groups': 'enforcer,city' });
  }, 30_000);
});
