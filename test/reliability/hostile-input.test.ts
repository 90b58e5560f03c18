import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { z } from 'zod';
import { ROUTES } from '#api/routes/index';
import { BODY_LIMIT_BYTES } from '#api/http';
import { caseId as caseIdSchema } from '#domain/schemas';
import type { CaseStatus, Role } from '#domain/vocabulary';
import type { ApiHarness, Client, HttpAnswer } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';
import { seedSubmission } from '../fixtures/submissions';
import { freshTable } from '../support/table';
import { meteredStore } from './support/write-meter';
import { HOSTILE_VALUES, arbitraryOf, hostileOf } from './support/zod-arbitrary';

/**
 * Hostile input on every route of the API: requests derived from the routes' own zod schemas, valid and
 * bent, from every role. Whatever arrives, the answer is 2xx or 4xx — never 5xx — and a 4xx writes
 * nothing: the case store's client counts every write DynamoDB receives, and the workflow engine every
 * call. Then the cases no generator is likely to find: oversized and deeply nested bodies,
 * `__proto__`/`constructor` keys, invalid UTF-8, huge numbers and timestamps far in the past or future.
 */
const RUNS_PER_ROUTE = 60;
const REPORTER = 'reporter-hostile';

let api: ApiHarness;
let table: Awaited<ReturnType<typeof freshTable>>;
let meter: ReturnType<typeof meteredStore>;
let clients: Record<Role | 'anonymous', Client>;
let targets: { id: string; status: CaseStatus }[];
let states: CaseStates;

beforeAll(async () => {
  table = await freshTable('hostile');
  meter = meteredStore(table.tableName);
  api = await startApiHarness({ deps: { store: meter.store } });
  clients = {
    anonymous: api.anonymous,
    reporter: await api.as('reporter', REPORTER),
    officer: await api.as('officer'),
    enforcer: await api.as('enforcer'),
    auditor: await api.as('auditor'),
  };
  states = new CaseStates(meter.store, () => api.clock.now());
  const statuses: CaseStatus[] = [
    'REPORTED',
    'PERSUASION',
    'NOTICE_ISSUED',
    'AWAITING_INSPECTION',
    'ESCALATED',
    'ENFORCEMENT_DECIDED',
    'ENFORCEMENT_SCHEDULED',
    'CLOSED',
  ];
  targets = [];
  for (const status of statuses) {
    const record = await states.in(status, `token-${status}-${randomUUID()}`);
    targets.push({ id: record.id, status });
    if (status === 'PERSUASION' || status === 'AWAITING_INSPECTION' || status === 'ENFORCEMENT_SCHEDULED')
      api.engine.openStep(record.pendingCallback?.token ?? '');
  }
  // One case the hostile reporter owns, so their requests reach the action code too.
  const own = await states.reported({ reporterSub: REPORTER });
  targets.push({ id: own.id, status: own.status });
}, 60_000);

afterAll(async () => {
  await api?.close();
  meter?.client.destroy();
  await table?.drop();
});

function engineCalls(): number {
  return api.engine.startCalls.length + api.engine.answered.length + api.engine.stopped.length;
}

/** Header values as an HTTP client can send them: visible ASCII and Latin-1 only. */
function headerValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

function queryString(query: unknown): string {
  if (!query || typeof query !== 'object' || Array.isArray(query))
    return query === undefined ? '' : `?q=${encodeURIComponent(JSON.stringify(query))}`;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    params.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

interface Sent {
  request: string;
  answer: HttpAnswer;
  writes: string[];
  engineCalls: number;
}

/** Sends one request and reports what it wrote. Requests run one at a time, so every write is its own. */
async function send(
  role: Role | 'anonymous',
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Sent> {
  meter.reset();
  const callsBefore = engineCalls();
  const who = clients[role];
  let answer: HttpAnswer;
  if (typeof options.raw === 'object') {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await api.auth.issue({ role: role === 'anonymous' ? 'officer' : role, sub: role === 'reporter' ? REPORTER : undefined })}`,
        'content-type': 'application/json',
        ...options.headers,
      },
      body: options.raw,
    });
    const text = await response.text();
    answer = {
      status: response.status,
      headers: response.headers,
      body: (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text,
    };
  } else if (typeof options.raw === 'string') {
    answer = await who.postRaw(path, options.raw, { 'content-type': 'application/json', ...options.headers });
  } else {
    answer = await who.call(method, path, { body: options.body, headers: options.headers });
  }
  return {
    request: `${role} ${method} ${path}`,
    answer,
    writes: meter.writes(),
    engineCalls: engineCalls() - callsBefore,
  };
}

/** The contract every answer keeps: 2xx or 4xx, and a 4xx is problem+json and changed nothing. */
function expectSafe(sent: Sent): void {
  const { answer } = sent;
  const summary = { request: sent.request, status: answer.status, body: answer.body };
  if (answer.status >= 500 || answer.status < 200)
    throw new Error(`answered ${answer.status}: ${JSON.stringify(summary).slice(0, 2000)}`);
  if (answer.status >= 400) {
    if (sent.writes.length || sent.engineCalls)
      throw new Error(
        `a ${answer.status} wrote ${JSON.stringify(sent.writes)} and made ${sent.engineCalls} engine call(s): ${JSON.stringify(summary).slice(0, 2000)}`,
      );
    // 431 (headers too large) comes from Node's HTTP server before any handler, as API Gateway's own limits would.
    if (answer.status !== 431) expect(answer.headers.get('content-type')).toContain('application/problem+json');
  }
}

const ROLES_FOR = (route: (typeof ROUTES)[number]): (Role | 'anonymous')[] =>
  'public' in route.access && route.access.public
    ? ['anonymous', 'reporter']
    : [...(route.access as { roles: readonly Role[] }).roles, 'auditor', 'anonymous'];

describe('every route under generated requests', () => {
  it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    '%s answers only 2xx/4xx and writes nothing on a 4xx',
    async (_name, route) => {
      const body = route.body?.schema as z.ZodType | undefined;
      const bodyArbitrary = body
        ? fc.oneof(
            { weight: 2, arbitrary: arbitraryOf(body) },
            { weight: 3, arbitrary: hostileOf(body) },
            // Mostly valid submissions, so the write path itself meets hostile values too.
            ...(route.operationId === 'createCase'
              ? [
                  {
                    weight: 2,
                    arbitrary: hostileOf(body).map((b) => ({
                      ...seedSubmission({ discoveredOn: '2026-11-20' }),
                      ...(b as object),
                    })),
                  },
                ]
              : []),
          )
        : fc.constant(undefined);
      const request = fc.record({
        role: fc.constantFrom(...ROLES_FOR(route)),
        id: fc.oneof(
          fc.constantFrom(...targets.map((t) => t.id)),
          arbitraryOf(caseIdSchema) as fc.Arbitrary<string>,
          fc.constantFrom('..', '%2e%2e', 'C-1', '%E0%A4%A', '%00', 'x'.repeat(3000)),
        ),
        query: fc.oneof(arbitraryOf(route.query), hostileOf(route.query)),
        headers: fc.oneof(
          arbitraryOf(route.headers),
          hostileOf(route.headers),
          fc.record({ 'Idempotency-Key': fc.uuid() }),
        ),
        body: bodyArbitrary,
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const path =
            route.path.replace('{id}', /%|\.\./.test(r.id) ? r.id : encodeURIComponent(r.id)) + queryString(r.query);
          const headers = Object.fromEntries(
            Object.entries((r.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [
              k.replace(/[^A-Za-z0-9-]/g, '') || 'X-Empty',
              headerValue(v),
            ]),
          );
          expectSafe(await send(r.role, route.method === 'get' ? 'GET' : 'POST', path, { body: r.body, headers }));
        }),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    },
    120_000,
  );
});

describe('bodies no generator is likely to find', () => {
  const target = () => targets.find((t) => t.status === 'AWAITING_INSPECTION')?.id as string;
  const postRoutes = ROUTES.filter((r) => r.method === 'post');

  it('refuses an oversized body on every write route with 413', async () => {
    for (const route of postRoutes) {
      const sent = await send(
        route.access && 'roles' in route.access ? (route.access.roles[0] as Role) : 'officer',
        'POST',
        route.path.replace('{id}', target()),
        {
          // Past the route's own limit (a batch takes 25 submissions' worth), three bytes a character.
          raw: JSON.stringify({
            padding: '违'.repeat(Math.ceil((route.bodyLimitBytes ?? BODY_LIMIT_BYTES) / 3) + 1_000),
          }),
          headers: { 'idempotency-key': randomUUID() },
        },
      );
      expectSafe(sent);
      expect(sent.answer.status).toBe(413);
    }
  });

  it('refuses bodies nested tens of thousands deep without a stack overflow', async () => {
    const deepArray = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const deepField = JSON.stringify(seedSubmission({ discoveredOn: '2026-11-20' }))
      .replace('"description":"', `"description":${'{"a":'.repeat(5_000)}"`)
      .replace(/"structure"/, `${'}'.repeat(5_000)},"structure"`);
    for (const raw of [deepArray, deepObject, deepField]) {
      const submitted = await send('reporter', 'POST', '/cases', { raw, headers: { 'idempotency-key': randomUUID() } });
      expectSafe(submitted);
      expect(submitted.answer.status).toBe(400);
      const inspected = await send('officer', 'POST', `/cases/${target()}/inspections`, { raw });
      expectSafe(inspected);
      expect(inspected.answer.status).toBe(400);
    }
  });

  it('treats __proto__ and constructor keys as unknown fields: 400, nothing polluted', async () => {
    const submission = JSON.stringify(seedSubmission({ discoveredOn: '2026-11-20' }));
    const bodies = [
      `{"__proto__": {"polluted": "yes"}, ${submission.slice(1)}`,
      `{"constructor": {"prototype": {"polluted": "yes"}}, ${submission.slice(1)}`,
      submission.replace('"location":{', '"location":{"__proto__":{"polluted":"yes"},'),
      submission.replace('"structure":{', '"structure":{"constructor":{"prototype":{"polluted":"yes"}},'),
    ];
    for (const raw of bodies) {
      const sent = await send('reporter', 'POST', '/cases', { raw, headers: { 'idempotency-key': randomUUID() } });
      expectSafe(sent);
      expect(sent.answer.status).toBe(400);
      expect(sent.answer.body.errors.map((e: { field: string }) => e.field).join(' ')).toMatch(/__proto__|constructor/);
    }
    const inspection = `{"__proto__": {"polluted": "yes"}, "result": "demolished", "inspectedAt": "2026-11-25T01:00:00Z", "inspector": "王科员"}`;
    const sent = await send('officer', 'POST', `/cases/${target()}/inspections`, { raw: inspection });
    expectSafe(sent);
    expect(sent.answer.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses invalid UTF-8 with a 4xx and writes nothing', async () => {
    const submission = Buffer.from(
      JSON.stringify(seedSubmission({ discoveredOn: '2026-11-20', description: 'MARK' })),
      'utf8',
    );
    const at = submission.indexOf('MARK');
    const invalid = [
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xe4, 0xbd]),
    ];
    for (const bytes of invalid) {
      const raw = Buffer.concat([submission.subarray(0, at), bytes, submission.subarray(at + 4)]);
      const sent = await send('reporter', 'POST', '/cases', { raw, headers: { 'idempotency-key': randomUUID() } });
      expectSafe(sent);
      expect(sent.answer.status).toBeGreaterThanOrEqual(400);
      const action = await send('officer', 'POST', `/cases/${target()}/dismissal`, {
        raw: Buffer.concat([Buffer.from('{"reason":"withdrawn","explanation":"'), bytes, Buffer.from('"}')]),
      });
      expectSafe(action);
      expect(action.answer.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses numbers too large, too small or not numbers at all, naming the field', async () => {
    const submission = JSON.stringify(seedSubmission({ discoveredOn: '2026-11-20' }));
    for (const literal of ['1e999', '-1e999', '1e-999', '123456789012345678901234567890', '9007199254740993', '-0']) {
      const raw = submission.replace('"areaM2":24', `"areaM2":${literal}`);
      const sent = await send('reporter', 'POST', '/cases', { raw, headers: { 'idempotency-key': randomUUID() } });
      expectSafe(sent);
      expect(sent.answer.status).toBe(400);
      expect(sent.answer.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'structure.areaM2' })]),
      );
    }
    for (const literal of ['1e999', '1e308', '1.5', '0']) {
      const sent = await send('officer', 'POST', `/cases/${target()}/inspections`, {
        raw: `{"result":"demolished","inspectedAt":"2026-11-25T01:00:00Z","inspector":"王科员","expectedVersion":${literal}}`,
      });
      expectSafe(sent);
      expect(sent.answer.status).toBe(400);
    }
    const limit = await send('auditor', 'GET', '/cases?status=REPORTED&limit=1e999');
    expectSafe(limit);
    expect(limit.answer.status).toBe(400);
  });

  it('refuses timestamps far in the past or the future, or beyond what a Date holds', async () => {
    const farDates = [
      '0001-01-01',
      '1899-12-31',
      '1999-12-31',
      '2999-01-01',
      '9999-12-31',
      '+275760-09-13',
      '-000001-01-01',
    ];
    for (const discoveredOn of farDates) {
      const sent = await send('reporter', 'POST', '/cases', {
        body: { ...seedSubmission(), discoveredOn },
        headers: { 'idempotency-key': randomUUID() },
      });
      expectSafe(sent);
      expect(sent.answer.status).toBe(400);
    }
    const farTimes = [
      '9999-12-31T23:59:59Z',
      '2999-01-01T00:00:00+14:00',
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00Z',
      '10000-01-01T00:00:00Z',
    ];
    for (const completedAt of farTimes) {
      const sent = await send(
        'enforcer',
        'POST',
        `/cases/${targets.find((t) => t.status === 'ENFORCEMENT_SCHEDULED')?.id}/enforcement`,
        { body: { completedAt, teamLead: '赵队长', areaRemovedM2: 5 } },
      );
      expectSafe(sent);
      expect(sent.answer.status).toBe(400);
    }
    // Dates the schema accepts but the procedure cannot: a deadline ages away, a filing long past. The
    // generated requests above may have extended or dismissed the shared NOTICE_ISSUED target, so this
    // asks a case no other request has touched.
    const untouched = await states.in('NOTICE_ISSUED');
    targets.push({ id: untouched.id, status: untouched.status });
    for (const newDeadline of ['9999-12-31', '2100-01-01', '1900-01-01']) {
      const sent = await send('officer', 'POST', `/cases/${untouched.id}/extensions`, {
        body: { newDeadline, reason: '申请延期', approver: '陈主任' },
      });
      expectSafe(sent);
      expect(sent.answer.status).toBe(400);
    }
    // List ranges at the ends of the calendar: an empty range is empty, an open one finds every case of the
    // area — the targets, and any case a generated, mostly valid submission above created there.
    const area = `/cases?subdistrict=${encodeURIComponent('小龙坎街道')}&limit=100`;
    const everyCase = ((await send('auditor', 'GET', area)).answer.body.items ?? []) as { id: string }[];
    expect(everyCase.map((c) => c.id)).toEqual(expect.arrayContaining(targets.map((t) => t.id)));
    for (const [range, found] of [
      ['from=9999-12-31', 0],
      ['from=9999-12-31&to=9999-12-31', 0],
      ['to=9999-12-31', everyCase.length],
      ['from=0001-01-01&to=9999-12-31', everyCase.length],
      ['to=0001-01-01', 0],
    ] as const) {
      const sent = await send('auditor', 'GET', `${area}&${range}`);
      expectSafe(sent);
      expect({ range, status: sent.answer.status, found: sent.answer.body.items?.length }).toEqual({
        range,
        status: 200,
        found,
      });
    }
  });

  it('answers every hostile value in every body field of every write route with 2xx or 4xx', async () => {
    const bodies: { route: (typeof postRoutes)[number]; body: unknown }[] = [];
    // A POST without a body (POST /digests) has no field to send hostile values in.
    for (const route of postRoutes.filter((r) => r.body)) {
      const schema = route.body?.schema as z.ZodType;
      const sample =
        route.operationId === 'createCase'
          ? seedSubmission({ discoveredOn: '2026-11-20' })
          : (fc.sample(arbitraryOf(schema), { numRuns: 1, seed: 7 })[0] as Record<string, unknown>);
      for (const key of Object.keys(sample as object))
        for (const value of HOSTILE_VALUES) bodies.push({ route, body: { ...(sample as object), [key]: value } });
    }
    for (const { route, body } of bodies) {
      const role: Role =
        route.operationId === 'recordEnforcement'
          ? 'enforcer'
          : route.operationId === 'createCase'
            ? 'reporter'
            : 'officer';
      expectSafe(
        await send(role, 'POST', route.path.replace('{id}', target()), {
          body,
          headers: { 'idempotency-key': randomUUID() },
        }),
      );
    }
    expect(bodies.length).toBeGreaterThan(300);
  }, 120_000);
});

describe('what the hostile requests left behind', () => {
  it('left every target case readable, with a history that verifies', async () => {
    for (const { id } of targets) {
      const history = await clients.auditor.get(`/cases/${id}/history?verify=true&limit=200`);
      expect(history.status).toBe(200);
      expect(history.body.verification).toMatchObject({ ok: true });
    }
  });
});
