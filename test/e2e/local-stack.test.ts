import { randomUUID } from 'node:crypto';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { scopedIdempotencyKey } from '#app/case-intake';
import type { Client, HttpAnswer } from '../api/support/harness';
import { client } from '../api/support/harness';
import { seedSubmission } from '../fixtures/submissions';
import { BAD_INPUTS, BAD_SUBDISTRICT } from './bad-inputs';
import type { E2eStack } from './support';
import { eventually, mailbox, startE2eStack } from './support';

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack();
}, 60_000);
afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

const today = () => shanghaiDateOf(e2e.stack.clock.now());

async function caseIn(officer: Client, id: string, statuses: string[]): Promise<HttpAnswer> {
  return eventually(`case ${id} to reach ${statuses.join(' or ')}`, async () => {
    const answer = await officer.get(`/cases/${id}`);
    return statuses.includes(answer.body.status) ? answer : undefined;
  });
}

async function submitted(
  reporter: Client,
  overrides: Parameters<typeof seedSubmission>[0] = {},
  key = randomUUID(),
): Promise<HttpAnswer> {
  const answer = await reporter.post('/cases', seedSubmission({ discoveredOn: today(), ...overrides }), {
    'idempotency-key': key,
  });
  expect(answer.status).toBe(201);
  return answer;
}

describe('the local stack over HTTP', () => {
  it('answers health with every part up', async () => {
    const answer = await e2e.anonymous.get('/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'ok',
      parts: {
        dynamodb: { up: true },
        mail: { up: true },
        'workflow-engine': { up: true },
        'object-store': { up: true },
      },
    });
  });

  it('carries a case from submission through the notice and the inspection to closed', async () => {
    const reporter = await e2e.as('reporter', 'reporter-flow');
    const officer = await e2e.as('officer', 'officer-flow');
    const address = `上土湾${Math.floor(Math.random() * 1000)}号 单位院内`;
    const created = await submitted(reporter, {
      category: 'unit-internal',
      severity: 'serious',
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address },
    });
    const id = created.body.id as string;

    const noticed = await caseIn(officer, id, ['NOTICE_ISSUED']);
    const noticeNumber = noticed.body.notice.number as string;
    expect(noticeNumber).toMatch(/^RN-\d{4}-\d{6}$/);
    const email = await eventually('the notice copy in the mailbox', async () =>
      (await mailbox(e2e.stack)).find((m) => m.subject.includes(noticeNumber)),
    );
    expect(email.destination.to).toEqual(['xiaolongkan-office@rectify.local']);
    // The deadline runs from service: the officer records it.
    const served = await officer.post(`/cases/${id}/service`, {
      document: 'notice',
      method: 'direct',
      servedOn: today(),
      receiver: '当事人本人',
    });
    expect(served.status).toBe(200);

    const awaiting = await caseIn(officer, id, ['AWAITING_INSPECTION']);
    expect(awaiting.body.pendingCallback).toMatchObject({ kind: 'inspection' });
    const inspected = await officer.post(
      `/cases/${id}/inspections`,
      {
        result: 'demolished',
        inspectedAt: e2e.stack.clock.now().toISOString(),
        inspector: '王科员',
        areaRemovedM2: 24,
      },
      { 'if-match': awaiting.headers.get('etag') as string },
    );
    expect(inspected.status).toBe(200);
    expect(inspected.body.status).toBe('SELF_DEMOLISHED');

    const closed = await caseIn(officer, id, ['CLOSED']);
    expect(closed.body.closedAt).toBeDefined();
    const history = await (await e2e.as('auditor')).get(`/cases/${id}/history?verify=true&limit=200`);
    expect(history.body.verification).toMatchObject({ ok: true, lastSeq: closed.body.lastSeq });
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining([
        'CASE_REPORTED',
        'NOTICE_ISSUED',
        'INSPECTION_OPENED',
        'INSPECTION_RECORDED',
        'CASE_CLOSED',
      ]),
    );
  }, 60_000);

  it('waits for the notice to be served: unserved, the office gets a service reminder and the case is flagged; served, it carries on', async () => {
    const reporter = await e2e.as('reporter', 'reporter-unserved');
    const officer = await e2e.as('officer', 'officer-unserved');
    const created = await submitted(reporter, {
      category: 'unit-internal',
      severity: 'serious',
      location: {
        subdistrict: '小龙坎街道',
        community: '解放坡社区',
        address: `石小路${Math.floor(Math.random() * 1000)}号`,
      },
    });
    const id = created.body.id as string;
    const waiting = await eventually('the wait for service', async () => {
      const answer = await officer.get(`/cases/${id}`);
      return answer.body.pendingCallback?.kind === 'service' ? answer : undefined;
    });
    expect(waiting.body.unservedDocuments).toEqual(['notice']);
    const noticeNumber = waiting.body.notice.number as string;
    const reminder = await eventually('the service reminder in the mailbox', async () =>
      (await mailbox(e2e.stack)).find((m) => m.subject.includes('送达提醒') && m.subject.includes(noticeNumber)),
    );
    expect(reminder.destination.to).toEqual(['xiaolongkan-office@rectify.local']);
    const flagged = await eventually('the flag', async () => {
      const answer = await officer.get(`/cases/${id}`);
      return answer.body.attention ? answer : undefined;
    });
    expect(flagged.body.status).toBe('NOTICE_ISSUED');
    expect(flagged.body.attention).toMatchObject({ unserved: 'notice' });
    const listed = await officer.get('/cases?attention=true');
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(id);

    const served = await officer.post(`/cases/${id}/service`, {
      document: 'notice',
      method: 'post',
      servedOn: today(),
      receiver: '当事人本人',
    });
    expect(served.status).toBe(200);
    expect(served.body.attention).toBeUndefined();
    const awaiting = await caseIn(officer, id, ['AWAITING_INSPECTION']);
    expect(awaiting.body.notice.service).toMatchObject({ method: 'post' });
    const history = await (await e2e.as('auditor')).get(`/cases/${id}/history?limit=200`);
    const types = history.body.items.map((e: { type: string }) => e.type);
    expect(types.indexOf('SERVICE_OVERDUE')).toBeGreaterThan(types.indexOf('NOTICE_ISSUED'));
    expect(types.indexOf('REMINDER_SENT')).toBeGreaterThan(types.indexOf('SERVICE_RECORDED'));
  }, 90_000);

  it('makes one case and one execution out of 20 concurrent replays and later repeats', async () => {
    const reporter = await e2e.as('reporter', 'reporter-replay');
    const key = randomUUID();
    const body = seedSubmission({
      discoveredOn: today(),
      location: { subdistrict: '重放街道', community: '解放坡社区', address: '石小路9号' },
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => reporter.post('/cases', body, { 'idempotency-key': key })),
    );
    expect(answers.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([]);
    const created = answers.filter((a) => a.status === 201);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    const settled = await eventually('the first request to finish', async () => {
      const answer = await reporter.post('/cases', body, { 'idempotency-key': key });
      return answer.status === 201 ? answer : undefined;
    });
    const id = settled.body.id as string;
    expect(created.every((a) => a.body.id === id)).toBe(true);
    const again = await Promise.all(
      Array.from({ length: 5 }, () => reporter.post('/cases', body, { 'idempotency-key': key })),
    );
    expect(again.map((a) => a.body)).toEqual(Array(5).fill(settled.body));

    const listed = await (await e2e.as('auditor')).get(`/cases?subdistrict=${encodeURIComponent('重放街道')}`);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const started = e2e.stack.eventLog.events.filter(
      (e) => e.type === 'ExecutionStarted' && e.execution.startsWith(id),
    );
    expect(started.map((e) => e.execution)).toEqual([`${id}--intake--1`]);
  }, 60_000);

  it('refuses an action the procedure does not allow now with 409 and the reason', async () => {
    const reporter = await e2e.as('reporter', 'reporter-409');
    const officer = await e2e.as('officer');
    const created = await submitted(reporter, {
      category: 'other',
      severity: 'minor',
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '石小路15号' },
    });
    const noticed = await caseIn(officer, created.body.id, ['NOTICE_ISSUED']);
    const refused = await (
      await e2e.as('enforcer')
    ).post(`/cases/${created.body.id}/enforcement`, {
      completedAt: e2e.stack.clock.now().toISOString(),
      teamLead: '赵队长',
      areaRemovedM2: 24,
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'urn:rectify:problem:transition-not-allowed', status: 409 });
    expect(refused.body.reason).toContain('NOTICE_ISSUED');
    const after = await officer.get(`/cases/${created.body.id}/history`);
    expect(after.body.items.map((e: { type: string }) => e.type)).not.toContain('ENFORCEMENT_COMPLETED');
    expect(noticed.body.lastSeq).toBeGreaterThan(1);
  }, 60_000);
});

describe('the route × role matrix', () => {
  type Column =
    'anonymous' | 'reporterOwn' | 'reporterOther' | 'officer' | 'enforcer' | 'auditor' | 'officerAuditor' | 'noGroup';
  const COLUMNS: Column[] = [
    'anonymous',
    'reporterOwn',
    'reporterOther',
    'officer',
    'enforcer',
    'auditor',
    'officerAuditor',
    'noGroup',
  ];
  /**
   * Every cell, against a dismissed case the own reporter submitted: a role the route admits gets past
   * authorisation and meets the procedure (409, since nothing may happen to a dismissed case); a
   * reporter gets 404 for another's case; any other role 403; no token 401.
   */
  const MATRIX: {
    route: string;
    method: 'GET' | 'POST';
    path: string;
    body?: () => unknown;
    expected: Record<Column, number>;
  }[] = [
    {
      route: 'POST /cases',
      method: 'POST',
      path: '/cases',
      body: () => seedSubmission({ discoveredOn: today() }),
      expected: {
        anonymous: 401,
        reporterOwn: 201,
        reporterOther: 201,
        officer: 201,
        enforcer: 403,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'POST /case-batches',
      method: 'POST',
      path: '/case-batches',
      body: () => ({
        items: [{ idempotencyKey: randomUUID(), submission: seedSubmission({ discoveredOn: today() }) }],
      }),
      expected: {
        anonymous: 401,
        reporterOwn: 200,
        reporterOther: 200,
        officer: 200,
        enforcer: 403,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'GET /cases',
      method: 'GET',
      path: `/cases?subdistrict=${encodeURIComponent('矩阵街道')}`,
      expected: {
        anonymous: 401,
        reporterOwn: 200,
        reporterOther: 200,
        officer: 200,
        enforcer: 200,
        auditor: 200,
        officerAuditor: 200,
        noGroup: 403,
      },
    },
    {
      route: 'GET /cases/{id}',
      method: 'GET',
      path: '/cases/{id}',
      expected: {
        anonymous: 401,
        reporterOwn: 200,
        reporterOther: 404,
        officer: 200,
        enforcer: 200,
        auditor: 200,
        officerAuditor: 200,
        noGroup: 403,
      },
    },
    {
      route: 'GET /cases/{id}/history',
      method: 'GET',
      path: '/cases/{id}/history',
      expected: {
        anonymous: 401,
        reporterOwn: 200,
        reporterOther: 404,
        officer: 200,
        enforcer: 200,
        auditor: 200,
        officerAuditor: 200,
        noGroup: 403,
      },
    },
    {
      route: 'GET /cases/{id}/documents',
      method: 'GET',
      path: '/cases/{id}/documents',
      expected: {
        anonymous: 401,
        reporterOwn: 200,
        reporterOther: 404,
        officer: 200,
        enforcer: 200,
        auditor: 200,
        officerAuditor: 200,
        noGroup: 403,
      },
    },
    {
      // The matrix case was dismissed before any notice: a role that may see it is told it has no such
      // document (400 naming the number); another reporter cannot tell the case exists (404).
      route: 'GET /cases/{id}/documents/{number}/download',
      method: 'GET',
      path: '/cases/{id}/documents/RN-2026-000001/download',
      expected: {
        anonymous: 401,
        reporterOwn: 400,
        reporterOther: 404,
        officer: 400,
        enforcer: 400,
        auditor: 400,
        officerAuditor: 400,
        noGroup: 403,
      },
    },
    {
      route: 'POST /cases/{id}/inspections',
      method: 'POST',
      path: '/cases/{id}/inspections',
      body: () => ({ result: 'demolished', inspectedAt: e2e.stack.clock.now().toISOString(), inspector: '王科员' }),
      expected: {
        anonymous: 401,
        reporterOwn: 409,
        reporterOther: 404,
        officer: 409,
        enforcer: 403,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'POST /cases/{id}/extensions',
      method: 'POST',
      path: '/cases/{id}/extensions',
      body: () => ({ newDeadline: '2099-01-01', reason: '申请延期', approver: '陈主任' }),
      expected: {
        anonymous: 401,
        reporterOwn: 403,
        reporterOther: 403,
        officer: 409,
        enforcer: 403,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'POST /cases/{id}/representations',
      method: 'POST',
      path: '/cases/{id}/representations',
      body: () => ({ receivedOn: today(), summary: '陈述', outcome: 'rejected', response: '不予采纳' }),
      expected: {
        anonymous: 401,
        reporterOwn: 403,
        reporterOther: 403,
        officer: 409,
        enforcer: 403,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'POST /cases/{id}/appeals',
      method: 'POST',
      path: '/cases/{id}/appeals',
      body: () => ({
        action: 'filed',
        kind: 'reconsideration',
        filedOn: today(),
        authority: '区人民政府',
        reference: 'R-9',
      }),
      expected: {
        anonymous: 401,
        reporterOwn: 403,
        reporterOther: 403,
        officer: 409,
        enforcer: 403,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'POST /cases/{id}/enforcement',
      method: 'POST',
      path: '/cases/{id}/enforcement',
      body: () => ({ completedAt: e2e.stack.clock.now().toISOString(), teamLead: '赵队长', areaRemovedM2: 24 }),
      expected: {
        anonymous: 401,
        reporterOwn: 403,
        reporterOther: 403,
        officer: 403,
        enforcer: 409,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'POST /cases/{id}/dismissal',
      method: 'POST',
      path: '/cases/{id}/dismissal',
      body: () => ({ reason: 'withdrawn', explanation: '撤回' }),
      expected: {
        anonymous: 401,
        reporterOwn: 403,
        reporterOther: 403,
        officer: 409,
        enforcer: 403,
        auditor: 403,
        officerAuditor: 403,
        noGroup: 403,
      },
    },
    {
      route: 'GET /openapi.json',
      method: 'GET',
      path: '/openapi.json',
      expected: {
        anonymous: 200,
        reporterOwn: 200,
        reporterOther: 200,
        officer: 200,
        enforcer: 200,
        auditor: 200,
        officerAuditor: 200,
        noGroup: 200,
      },
    },
    {
      route: 'GET /health',
      method: 'GET',
      path: '/health',
      expected: {
        anonymous: 200,
        reporterOwn: 200,
        reporterOther: 200,
        officer: 200,
        enforcer: 200,
        auditor: 200,
        officerAuditor: 200,
        noGroup: 200,
      },
    },
  ];

  let clients: Record<Column, Client>;
  let caseId: string;
  beforeAll(async () => {
    const issue = (role: Parameters<E2eStack['stack']['auth']['issue']>[0]) => e2e.stack.auth.issue(role);
    clients = {
      anonymous: e2e.anonymous,
      reporterOwn: client(e2e.stack.apiUrl, await issue({ role: 'reporter', sub: 'reporter-own' })),
      reporterOther: client(e2e.stack.apiUrl, await issue({ role: 'reporter', sub: 'reporter-other' })),
      officer: client(e2e.stack.apiUrl, await issue({ role: 'officer' })),
      enforcer: client(e2e.stack.apiUrl, await issue({ role: 'enforcer' })),
      auditor: client(e2e.stack.apiUrl, await issue({ role: 'auditor' })),
      officerAuditor: client(
        e2e.stack.apiUrl,
        await issue({ role: 'officer', sub: 'officer-auditor', groups: ['officer', 'auditor', 'city'] }),
      ),
      noGroup: client(e2e.stack.apiUrl, await issue({ role: 'officer', sub: 'nobody', groups: ['visitors'] })),
    };
    const created = await submitted(clients.reporterOwn, {
      location: { subdistrict: '矩阵街道', community: '解放坡社区', address: '隆庆楼66号' },
    });
    caseId = created.body.id;
    const dismissed = await clients.officer.post(`/cases/${caseId}/dismissal`, {
      reason: 'not-a-violation',
      explanation: '经核查不属违法建设',
    });
    if (dismissed.status !== 200)
      throw new Error(`could not dismiss the matrix case: ${dismissed.status} ${JSON.stringify(dismissed.body)}`);
  }, 60_000);

  it.each(MATRIX.map((row) => [row.route, row] as const))('%s', async (_name, row) => {
    const seen: Partial<Record<Column, number>> = {};
    for (const column of COLUMNS) {
      const path = row.path.replace('{id}', caseId);
      const answer =
        row.method === 'GET'
          ? await clients[column].get(path)
          : await clients[column].post(
              path,
              row.body?.(),
              path === '/cases' ? { 'idempotency-key': randomUUID() } : undefined,
            );
      seen[column] = answer.status;
    }
    expect(seen).toEqual(row.expected);
  });

  it('shows the own reporter only their case in lists, and the other reporter nothing of it', async () => {
    const own = await clients.reporterOwn.get(`/cases?subdistrict=${encodeURIComponent('矩阵街道')}`);
    expect(own.body.items.map((c: { id: string }) => c.id)).toContain(caseId);
    const other = await clients.reporterOther.get(`/cases?subdistrict=${encodeURIComponent('矩阵街道')}`);
    expect(
      other.body.items
        .map((c: { reporterSub: string }) => c.reporterSub)
        .every((sub: string) => sub === 'reporter-other'),
    ).toBe(true);
  });
});

describe('bad input', () => {
  let targetId: string;
  let before: { version: number; lastSeq: number };
  const keys: string[] = [];
  beforeAll(async () => {
    const reporter = await e2e.as('reporter', 'reporter-bad');
    const created = await submitted(reporter, {
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '隆庆楼77号' },
    });
    targetId = created.body.id;
    const dismissed = await (
      await e2e.as('officer')
    ).post(`/cases/${targetId}/dismissal`, { reason: 'withdrawn', explanation: '撤回' });
    before = { version: dismissed.body.version, lastSeq: dismissed.body.lastSeq };
  }, 60_000);

  it(`has a table of at least 30 requests across the routes`, () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(BAD_INPUTS.map((b) => b.path.split('?')[0])).size).toBeGreaterThanOrEqual(9);
  });

  it.each(BAD_INPUTS.map((b) => [b.name, b] as const))('%s → 400 naming the field', async (_name, bad) => {
    const as = await e2e.as(bad.role, bad.role === 'reporter' ? 'reporter-bad' : undefined);
    const path = bad.path.replace('{id}', targetId);
    const key = randomUUID();
    keys.push(key);
    const headers = { ...(bad.path === '/cases' && !bad.noKey ? { 'idempotency-key': key } : {}), ...bad.headers };
    const answer =
      bad.method === 'GET'
        ? await as.get(path, headers)
        : bad.raw !== undefined
          ? await as.postRaw(path, bad.raw, { 'content-type': 'application/json', ...headers })
          : await as.post(path, bad.body, headers);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      type: 'urn:rectify:problem:invalid-input',
      title: expect.any(String),
      status: 400,
      instance: path.split('?')[0],
    });
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: bad.field, in: bad.in, message: expect.any(String) })]),
    );
  });

  it('refuses an oversize body with 413 and a body not declared as JSON with 415', async () => {
    const reporter = await e2e.as('reporter', 'reporter-bad');
    const big = await reporter.post(
      '/cases',
      { ...seedSubmission(), padding: 'x'.repeat(70 * 1024) },
      { 'idempotency-key': randomUUID() },
    );
    expect(big.status).toBe(413);
    const text = await reporter.postRaw('/cases', JSON.stringify(seedSubmission()), {
      'content-type': 'text/plain',
      'idempotency-key': randomUUID(),
    });
    expect(text.status).toBe(415);
  });

  it('wrote nothing: no case in the sub-district, no idempotency record, the target case unchanged', async () => {
    const listed = await (
      await e2e.as('auditor')
    ).get(`/cases?subdistrict=${encodeURIComponent(BAD_SUBDISTRICT)}&limit=100`);
    expect(listed.body.items).toEqual([]);
    for (const key of keys)
      expect(await e2e.stack.store.intake.getIdempotency(scopedIdempotencyKey('reporter-bad', key))).toBeUndefined();
    const after = await e2e.stack.store.getCase(targetId);
    expect({ version: after?.version, lastSeq: after?.lastSeq }).toEqual(before);
  });
});
