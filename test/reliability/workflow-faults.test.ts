import { randomUUID } from 'node:crypto';
import { resolvePolicy } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { E2eStack } from '../e2e/support';
import { eventually, serveWhenAwaited, startE2eStack } from '../e2e/support';
import type { Client } from '../api/support/harness';
import { readMailbox } from '../support/mailbox';
import { LOAD_POLICY, driveLifecycles, repeated, submissionFor, verifyHistories } from './support/lifecycle';

/**
 * Task faults at the level of the whole stack (API, local engine running the real ASL, outbox mailer,
 * local SES), beyond test/workflow/faults.test.ts, which proves the same on the engine alone with a
 * recording mailer: a step that fails twice after doing its work is retried per the ASL without a second
 * event or email; a step that always fails is caught — failure event, case flagged, alert emailed — and
 * the case shows up where officers look, never silently stuck.
 */
const ESCALATE = 'Escalate to the sub-district office and serve the demand notice';
const SCHEDULE = 'Schedule the forced demolition';
const SUBDISTRICT = '小龙坎街道';

let e2e: E2eStack;
let clients: { reporter: Client; officer: Client; enforcer: Client; auditor: Client };

beforeAll(async () => {
  e2e = await startE2eStack({ clockFactor: 172_800, policy: resolvePolicy(LOAD_POLICY), retryIntervalMs: 20 });
  clients = {
    reporter: await e2e.as('reporter', 'reporter-faults'),
    officer: await e2e.as('officer'),
    enforcer: await e2e.as('enforcer'),
    auditor: await e2e.as('auditor'),
  };
}, 60_000);

afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

beforeEach(() => e2e.stack.faults.clear());

const mailsOf = async (caseId: string) =>
  (await readMailbox(e2e.stack.ses.endpoint)).filter((m) => m.mailId?.startsWith(`${caseId}#`));
const kindOf = (mailId: string | undefined) => mailId?.split('#')[2];

describe('a task that fails for a while', () => {
  it('is retried per the ASL and the case goes on to its end, with each event and email once', async () => {
    e2e.stack.faults.inject(ESCALATE, { times: 2, when: 'after' });
    const driven = await driveLifecycles({
      clients,
      subdistrict: SUBDISTRICT,
      paths: ['enforcement'],
      legalNow: () => e2e.stack.clock.now(),
      timeoutMs: 60_000,
    });
    expect(driven.unexpected).toEqual([]);
    const [only] = driven.cases;
    const id = only?.id as string;
    expect(only?.status).toBe('CLOSED');

    const intake = `${id}--intake--1`;
    expect(
      e2e.stack.eventLog.events.filter((e) => e.execution === intake && e.type === 'StateRetried').map((e) => e.state),
    ).toEqual([ESCALATE, ESCALATE]);
    expect(
      e2e.stack.eventLog.invocations.filter((i) => i.execution === intake && i.state === ESCALATE).map((i) => i.ok),
    ).toEqual([false, false, true]);

    const [verdict] = await verifyHistories(clients.auditor, [id]);
    expect(verdict?.ok).toBe(true);
    // Each event once; the service once for each document (the notice, the enforcement decision).
    expect(repeated((verdict?.types ?? []).filter((t) => t !== 'SERVICE_RECORDED'))).toEqual({});
    expect((verdict?.types ?? []).filter((t) => t === 'SERVICE_RECORDED')).toHaveLength(2);
    expect(verdict?.types).toEqual(
      expect.arrayContaining(['CASE_ESCALATED', 'ENFORCEMENT_DECIDED', 'ENFORCEMENT_COMPLETED', 'CASE_CLOSED']),
    );
    expect(verdict?.types.filter((t) => t === 'TASK_FAILED')).toEqual([]);
    const mails = await mailsOf(id);
    expect(repeated(mails.map((m) => m.mailId ?? ''))).toEqual({});
    expect(mails.filter((m) => kindOf(m.mailId) === 'escalation').map((m) => m.to)).toEqual([
      ['xiaolongkan-office@rectify.local'],
    ]);
  }, 90_000);
});

describe('a task that always fails', () => {
  it('records the failure, flags the case, alerts the office and operations once, and lists the case for officers', async () => {
    e2e.stack.faults.inject(SCHEDULE, { times: 'always', error: 'Lambda.ServiceException' });
    const created = await clients.reporter.post(
      '/cases',
      submissionFor('enforcement', SUBDISTRICT, 900, shanghaiDateOf(e2e.stack.clock.now())),
      { 'idempotency-key': randomUUID() },
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await serveWhenAwaited(e2e, clients.officer, id, 'notice');
    const awaiting = await eventually('the inspection to be awaited', async () => {
      const answer = await clients.officer.get(`/cases/${id}`);
      return answer.body.status === 'AWAITING_INSPECTION' ? answer : undefined;
    });
    const inspected = await clients.officer.post(
      `/cases/${id}/inspections`,
      { result: 'not-demolished', inspectedAt: e2e.stack.clock.now().toISOString(), inspector: '王科员' },
      { 'if-match': awaiting.headers.get('etag') as string },
    );
    expect(inspected.status).toBe(200);

    // Once the decision is served, a fresh execution waits for the windows and schedules the demolition.
    await serveWhenAwaited(e2e, clients.officer, id, 'enforcement-decision');
    const enforcement = `${id}--resume--1`;
    await eventually('the windows execution to start', async () =>
      (await e2e.stack.engine.describeExecution(enforcement)) ? true : undefined,
    );
    expect(await e2e.stack.engine.waitForExecution(enforcement, 30_000)).toMatchObject({
      status: 'FAILED',
      error: 'Lambda.ServiceException',
    });
    // Lambda service errors get the ASL's own six attempts before the catch.
    expect(
      e2e.stack.eventLog.invocations.filter((i) => i.execution === enforcement && i.state === SCHEDULE),
    ).toHaveLength(7);

    // Officers see it: the case carries the attention flag, and the attention list has it.
    const flaggedCase = await clients.officer.get(`/cases/${id}`);
    expect(flaggedCase.body).toMatchObject({
      status: 'ENFORCEMENT_DECIDED',
      attention: { reason: 'workflow step failed: Lambda.ServiceException' },
    });
    expect((await e2e.stack.store.listFlagged({ limit: 100 })).items.map((f) => f.caseId)).toContain(id);
    const listed = await clients.auditor.get(
      `/cases?subdistrict=${encodeURIComponent(SUBDISTRICT)}&status=ENFORCEMENT_DECIDED&limit=100`,
    );
    expect(listed.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({
      attention: { reason: expect.stringContaining('workflow step failed') },
    });

    const [verdict] = await verifyHistories(clients.auditor, [id]);
    expect(verdict?.ok).toBe(true);
    const failures = verdict?.events.filter((e) => e.type === 'TASK_FAILED') ?? [];
    expect(failures.map((e) => e.data)).toEqual([
      expect.objectContaining({ execution: enforcement, error: 'Lambda.ServiceException' }),
    ]);

    const alerts = await eventually('the failure alerts', async () => {
      const found = (await mailsOf(id)).filter((m) => kindOf(m.mailId) === 'workflow-failure');
      return found.length >= 2 ? found : undefined;
    });
    expect(alerts.map((m) => m.to[0]).sort()).toEqual(['operations@rectify.local', 'xiaolongkan-office@rectify.local']);
    expect(repeated((await mailsOf(id)).map((m) => m.mailId ?? ''))).toEqual({});

    // The case is not stuck for good: with the fault gone, an officer can still end it.
    e2e.stack.faults.clear();
    const dismissed = await clients.officer.post(`/cases/${id}/dismissal`, {
      reason: 'withdrawn',
      explanation: '当事人已自行整改完毕',
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.status).toBe('DISMISSED');
  }, 90_000);
});
