import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { ROUTES } from '#api/routes/index';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '#local/local-auth';
import type { ApiHarness, HttpAnswer } from '../api/support/harness';
import { client, startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';
import { seedSubmission } from '../fixtures/submissions';
import { freshTable } from '../support/table';
import { meteredStore } from './support/write-meter';

/**
 * Access at every protected route, beyond test/api/auth.test.ts (missing, forged and expired tokens on
 * one route) and the route × role matrix in test/e2e/local-stack.test.ts (role-less tokens, a reporter
 * and another's case): every kind of bad token on every route is 401, every token without a Rectify role
 * 403, none of them writes anything, and a reporter cannot tell another's case from one that does not
 * exist.
 */
let api: ApiHarness;
let table: Awaited<ReturnType<typeof freshTable>>;
let meter: ReturnType<typeof meteredStore>;
let othersCase: string;
let ownCase: string;

beforeAll(async () => {
  table = await freshTable('access');
  meter = meteredStore(table.tableName);
  api = await startApiHarness({ deps: { store: meter.store } });
  const states = new CaseStates(meter.store, () => api.clock.now());
  othersCase = (await states.in('AWAITING_INSPECTION', 'token-other')).id;
  ownCase = (await states.reported({ reporterSub: 'reporter-own' })).id;
}, 60_000);

afterAll(async () => {
  await api?.close();
  meter?.client.destroy();
  await table?.drop();
});

const PROTECTED = ROUTES.filter((route) => !('public' in route.access && route.access.public));

/** A request each protected route would take from the right person. */
function requestFor(
  route: (typeof ROUTES)[number],
  caseId: string,
  role: 'reporter' | 'officer' | 'enforcer' = 'officer',
): { method: string; path: string; body?: unknown; headers: Record<string, string> } {
  const stage = role === 'enforcer' ? 'enforcement' : 'inspection';
  // A well-formed evidence id that names no file: at a case the caller may see it is a 400 naming it.
  const evidenceId = 'E-0123456789abcdef01234567';
  // A well-formed document number the case does not have: at a case the caller may see it is a 404 naming it.
  const documentNumber = 'RN-2026-000999';
  const path =
    route.path.replace('{id}', caseId).replace('{evidenceId}', evidenceId).replace('{number}', documentNumber) +
    (route.operationId === 'listCases' ? `?subdistrict=${encodeURIComponent('小龙坎街道')}` : '');
  const now = api.clock.now().toISOString();
  const bodies: Record<string, unknown> = {
    createCase: seedSubmission({ discoveredOn: '2026-11-20' }),
    recordInspection: { result: 'demolished', inspectedAt: now, inspector: '王科员' },
    grantExtension: { newDeadline: '2026-12-20', reason: '申请延期', approver: '陈主任' },
    recordRepresentation: { receivedOn: '2026-11-24', summary: '陈述', outcome: 'rejected', response: '不予采纳' },
    recordAppeal: {
      action: 'filed',
      kind: 'reconsideration',
      filedOn: '2026-11-24',
      authority: '区人民政府',
      reference: 'R-1',
    },
    recordEnforcement: { completedAt: now, teamLead: '赵队长', areaRemovedM2: 24 },
    dismissCase: { reason: 'withdrawn', explanation: '撤回' },
    resumeCase: { reason: '流程恢复' },
    recordService: { document: 'notice', method: 'direct', servedOn: '2026-11-24', receiver: '张三' },
    requestEvidenceUpload: { fileName: '现场.jpg', contentType: 'image/jpeg', size: 1024, stage },
    confirmEvidence: { evidenceId, fileName: '现场.jpg', stage },
  };
  return {
    method: route.method.toUpperCase(),
    path,
    body: bodies[route.operationId],
    headers: route.operationId === 'createCase' ? { 'idempotency-key': randomUUID() } : {},
  };
}

async function call(
  authorization: string | undefined,
  route: (typeof ROUTES)[number],
): Promise<HttpAnswer & { writes: string[] }> {
  meter.reset();
  const request = requestFor(route, othersCase);
  const answer = await client(api.url).call(request.method, request.path, {
    body: request.body,
    headers: { ...request.headers, ...(authorization !== undefined ? { authorization } : {}) },
  });
  return { ...answer, writes: meter.writes() };
}

/** Bad credentials of every kind; each must be refused before anything is read or written. */
async function badCredentials(): Promise<Record<string, string>> {
  const { privateKey: strangerKey } = await generateKeyPair('ES256');
  const claims = { 'cognito:groups': ['officer'], token_use: 'id' };
  const signed = (build: (jwt: SignJWT) => SignJWT, key = strangerKey) =>
    build(new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setSubject('intruder')).sign(key);
  const genuine = await api.auth.issue({ role: 'auditor', sub: 'auditor-real' });
  const [header, payload, signature] = genuine.split('.') as [string, string, string];
  const promoted = Buffer.from(
    JSON.stringify({
      ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
      'cognito:groups': ['officer'],
    }),
  ).toString('base64url');
  const unsigned = new UnsecuredJWT(claims)
    .setSubject('intruder')
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setExpirationTime('1h')
    .encode();
  return {
    expired: `Bearer ${await api.auth.issue({ role: 'officer', ttlSeconds: -60 })}`,
    'signed by another key': `Bearer ${await signed((j) => j.setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h'))}`,
    'unsigned (alg none)': `Bearer ${unsigned}`,
    'payload altered after signing': `Bearer ${header}.${promoted}.${signature}`,
    'signature cut off': `Bearer ${header}.${payload}.`,
    'another issuer': `Bearer ${await signed((j) => j.setIssuer('https://cognito-idp.example.com/other').setAudience(LOCAL_AUDIENCE).setExpirationTime('1h'))}`,
    'not a JWT': 'Bearer not-a-token',
    'empty bearer': 'Bearer ',
    'Basic scheme': `Basic ${Buffer.from('officer:password').toString('base64')}`,
    'token without a scheme': genuine,
  };
}

describe('bad credentials on every protected route', () => {
  it.each(PROTECTED.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    '%s: 401 for each, problem+json, nothing written',
    async (_name, route) => {
      const credentials = await badCredentials();
      const seen: Record<string, number> = {};
      for (const [kind, authorization] of Object.entries(credentials)) {
        const answer = await call(authorization, route);
        seen[kind] = answer.status;
        expect({
          kind,
          writes: answer.writes,
          contentType: answer.headers.get('content-type'),
          challenge: answer.headers.get('www-authenticate'),
        }).toEqual({
          kind,
          writes: [],
          contentType: expect.stringContaining('application/problem+json'),
          challenge: expect.stringContaining('Bearer'),
        });
      }
      expect(seen).toEqual(Object.fromEntries(Object.keys(credentials).map((kind) => [kind, 401])));
      expect(api.engine.startCalls).toEqual([]);
    },
  );
});

describe('tokens without a Rectify role on every protected route', () => {
  it.each(PROTECTED.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    '%s: 403, nothing written',
    async (_name, route) => {
      const tokens = {
        'no groups claim': await api.auth.issue({ role: 'officer', sub: 'nobody-1', groups: [] }),
        'an unknown group': await api.auth.issue({ role: 'officer', sub: 'nobody-2', groups: ['visitors'] }),
        'a group named like a role': await api.auth.issue({
          role: 'officer',
          sub: 'nobody-3',
          groups: ['Officer', 'officers', 'admin'],
        }),
      };
      const seen: Record<string, number> = {};
      for (const [kind, token] of Object.entries(tokens)) {
        const answer = await call(`Bearer ${token}`, route);
        seen[kind] = answer.status;
        expect({ kind, writes: answer.writes }).toEqual({ kind, writes: [] });
      }
      expect(seen).toEqual({ 'no groups claim': 403, 'an unknown group': 403, 'a group named like a role': 403 });
    },
  );
});

describe('a reporter and cases that are not theirs', () => {
  /** The parts of a 404 that could tell a case that exists from one that does not. */
  function shapeOf(answer: HttpAnswer, id: string) {
    const text = JSON.stringify({ ...answer.body, requestId: typeof answer.body.requestId }).replaceAll(id, '<id>');
    return {
      status: answer.status,
      contentType: answer.headers.get('content-type'),
      etag: answer.headers.get('etag'),
      body: text,
    };
  }

  it('gets the same 404 for another reporter’s case as for a case that does not exist, on every route naming a case', async () => {
    const reporter = client(api.url, await api.auth.issue({ role: 'reporter', sub: 'reporter-own' }));
    const missing = 'C-20261125-ZZZZZZ';
    const byId = PROTECTED.filter(
      (r) => r.path.includes('{id}') && (r.access as { roles: readonly string[] }).roles.includes('reporter'),
    );
    expect(byId.map((r) => r.operationId).sort()).toEqual([
      'confirmEvidence',
      'downloadDocument',
      'downloadEvidence',
      'getCase',
      'getCaseEmails',
      'getCaseHistory',
      'listDocuments',
      'listEvidence',
      'recordInspection',
      'requestEvidenceUpload',
    ]);
    for (const route of byId) {
      meter.reset();
      const other = requestFor(route, othersCase);
      const none = requestFor(route, missing);
      const otherAnswer = await reporter.call(other.method, other.path, { body: other.body });
      const noneAnswer = await reporter.call(none.method, none.path, { body: none.body });
      expect(shapeOf(otherAnswer, othersCase)).toEqual(shapeOf(noneAnswer, missing));
      expect(otherAnswer.status).toBe(404);
      expect(meter.writes()).toEqual([]);
    }
    // Their own case they can read.
    expect((await reporter.get(`/cases/${ownCase}`)).status).toBe(200);
  });

  it('never sees another reporter’s case in a list, whatever the filter', async () => {
    const reporter = client(api.url, await api.auth.issue({ role: 'reporter', sub: 'reporter-own' }));
    for (const query of [
      `subdistrict=${encodeURIComponent('小龙坎街道')}`,
      'status=AWAITING_INSPECTION',
      'overdue=true',
      'status=REPORTED',
    ]) {
      const answer = await reporter.get(`/cases?${query}&limit=100`);
      expect(answer.status).toBe(200);
      expect(answer.body.items.filter((c: { reporterSub: string }) => c.reporterSub !== 'reporter-own')).toEqual([]);
    }
  });
});

describe('sub-district scope: the route × role matrix with the same role in another sub-district', () => {
  const HOME = '小龙坎街道';
  const ELSEWHERE = '石井坡街道';
  /** A request for the route, naming the case's sub-district where the route takes one. */
  function scopedRequest(route: (typeof ROUTES)[number], caseId: string, role: 'reporter' | 'officer' | 'enforcer') {
    const request = requestFor(route, caseId, role);
    const area = `subdistrict=${encodeURIComponent(HOME)}`;
    if (route.operationId === 'exportCases' || route.operationId === 'getSummaryReport') request.path += `?${area}`;
    if (route.operationId === 'createCaseBatch')
      request.body = {
        items: [{ idempotencyKey: randomUUID(), submission: seedSubmission({ discoveredOn: '2026-11-20' }) }],
      };
    return request;
  }
  const rolesOf = (route: (typeof ROUTES)[number]) =>
    ((route.access as { roles?: readonly string[] }).roles ?? []).filter((r) => r !== 'auditor') as (
      'reporter' | 'officer' | 'enforcer'
    )[];
  /** The digests span every sub-district: their routes answer city-wide staff only (tested below). */
  const CITY_WIDE_ONLY = new Set<string>(['writeDigest', 'verifyDigests', 'getDigestPublicKey']);
  const cells = PROTECTED.filter((route) => !CITY_WIDE_ONLY.has(route.operationId)).flatMap((route) =>
    rolesOf(route).map((role) => [`${route.method.toUpperCase()} ${route.path} as ${role}`, route, role] as const),
  );

  it.each([...CITY_WIDE_ONLY])(
    '%s: 403 for an officer of any sub-district, nothing written; the city group is served',
    async (operationId) => {
      const route = PROTECTED.find((r) => r.operationId === operationId);
      if (!route) throw new Error(`no route ${operationId}`);
      const request = requestFor(route, othersCase, 'officer');
      const as = async (subdistricts?: string[]) =>
        client(api.url, await api.auth.issue({ role: 'officer', sub: 'officer-scoped', subdistricts }));
      meter.reset();
      const scoped = await (await as([ELSEWHERE, HOME])).call(request.method, request.path, { body: request.body });
      expect({ status: scoped.status, writes: meter.writes() }).toEqual({ status: 403, writes: [] });
      const city = await (await as()).call(request.method, request.path, { body: request.body });
      expect(city.status).toBe(200);
    },
  );

  it.each(cells)(
    '%s: 404 from another sub-district (403 naming the field for a report there), nothing written; from its own, not 404',
    async (_name, route, role) => {
      const sub = role === 'reporter' ? 'reporter-own' : `${role}-scoped`;
      const caseId = role === 'reporter' ? ownCase : othersCase;
      const request = scopedRequest(route, caseId, role);
      const as = async (subdistricts: string[]) => client(api.url, await api.auth.issue({ role, sub, subdistricts }));
      meter.reset();
      const elsewhere = await (
        await as([ELSEWHERE])
      ).call(request.method, request.path, {
        body: request.body,
        headers: { ...request.headers, 'idempotency-key': randomUUID() },
      });
      const seen = {
        status: elsewhere.status,
        batchItem: elsewhere.body.results?.[0]?.status,
        field: elsewhere.body.errors?.[0]?.field,
        writes: meter.writes(),
      };
      const expected = {
        createCaseBatch: { status: 200, batchItem: 403, field: undefined, writes: [] },
        createCase: { status: 403, batchItem: undefined, field: 'location.subdistrict', writes: [] },
      }[route.operationId as string] ?? { status: 404, batchItem: undefined, field: undefined, writes: [] };
      expect(seen).toEqual(expected);
      const home = await (
        await as([ELSEWHERE, HOME])
      ).call(request.method, request.path, {
        body: request.body,
        headers: { ...request.headers, 'idempotency-key': randomUUID() },
      });
      expect(home.status).not.toBe(404);
      expect(home.status).not.toBe(403);
    },
  );

  it('lists by status or overdue leave out every case of another sub-district; an auditor and the city group see them', async () => {
    const elsewhereOfficer = client(
      api.url,
      await api.auth.issue({ role: 'officer', sub: 'officer-elsewhere', subdistricts: [ELSEWHERE] }),
    );
    for (const query of ['status=AWAITING_INSPECTION', 'overdue=true', 'status=REPORTED']) {
      const answer = await elsewhereOfficer.get(`/cases?${query}&limit=100`);
      expect(answer.status).toBe(200);
      expect(
        answer.body.items.filter((c: { location: { subdistrict: string } }) => c.location.subdistrict !== ELSEWHERE),
      ).toEqual([]);
    }
    const report = await elsewhereOfficer.get('/reports/summary');
    expect(report.status).toBe(200);
    expect(report.body.rows.filter((r: { subdistrict: string }) => r.subdistrict !== ELSEWHERE)).toEqual([]);
    for (const token of [
      await api.auth.issue({ role: 'auditor', sub: 'auditor-scoped', subdistricts: [ELSEWHERE] }),
      await api.auth.issue({ role: 'officer', sub: 'officer-city' }),
    ]) {
      const listed = await client(api.url, token).get(`/cases?subdistrict=${encodeURIComponent(HOME)}&limit=100`);
      expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(othersCase);
    }
  });
});
