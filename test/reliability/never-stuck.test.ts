import { randomUUID } from 'node:crypto';
import { resolvePolicy } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { Client } from '../api/support/harness';
import type { E2eStack } from '../e2e/support';
import { eventually, serveWhenAwaited, startE2eStack } from '../e2e/support';
import { seedSubmission } from '../fixtures/submissions';
import { STOPPING_POLICY } from './support/lifecycle';
import { readMailbox } from '../support/mailbox';

/**
 * Never stuck, never silent: a case whose workflow stopped waiting for a person moves on when the
 * person acts late, and every open case is either waited on by a running execution or flagged with a
 * visible pending step.
 */
let e2e: E2eStack;
let reporter: Client;
let officer: Client;
let enforcer: Client;
let auditor: Client;

const POLICY = resolvePolicy(STOPPING_POLICY);

beforeAll(async () => {
  e2e = await startE2eStack({
    clockFactor: 172_800,
    policy: POLICY,
    retryIntervalMs: 20,
    workflowCheckIntervalMs: 60 * 60_000,
  });
  reporter = await e2e.as('reporter', 'reporter-never-stuck');
  officer = await e2e.as('officer');
  enforcer = await e2e.as('enforcer');
  auditor = await e2e.as('auditor');
}, 60_000);

afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

let address = 0;
async function submit(
  category: 'unit-internal' | 'resident-built' | 'other' = 'unit-internal',
  options: { serve?: boolean } = {},
): Promise<string> {
  address += 1;
  const created = await reporter.post(
    '/cases',
    seedSubmission({
      category,
      discoveredOn: shanghaiDateOf(e2e.stack.clock.now()),
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: `上土湾${address}号 never-stuck` },
    }),
    { 'idempotency-key': randomUUID() },
  );
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  if (category !== 'resident-built' && options.serve !== false) await serveWhenAwaited(e2e, officer, id, 'notice');
  return id;
}

type HistoryEvent = { type: string; data: Record<string, unknown> };
async function history(id: string): Promise<{ ok: boolean; events: HistoryEvent[] }> {
  const answer = await auditor.get(`/cases/${id}/history?verify=true&limit=200`);
  expect(answer.status).toBe(200);
  return { ok: answer.body.verification?.ok === true, events: answer.body.items };
}

async function caseOf(id: string) {
  const answer = await officer.get(`/cases/${id}`);
  expect(answer.status).toBe(200);
  return answer;
}

/** Waits until the workflow has given up waiting for the person's step `type` and stopped. */
async function untilWorkflowStopped(id: string, overdueType: 'INSPECTION_OVERDUE' | 'ENFORCEMENT_OVERDUE') {
  await eventually(
    `${id}: the workflow to stop waiting (${overdueType})`,
    async () =>
      (await history(id)).events.some((e) => e.type === overdueType && e.data.workflowStopped === true)
        ? true
        : undefined,
    60_000,
    200,
  );
  const execution = (await e2e.stack.store.getCase(id))?.execution ?? '';
  await eventually(
    `${id}: ${execution} to end`,
    async () => ((await e2e.stack.engine.describeExecution(execution))?.status === 'RUNNING' ? undefined : true),
    30_000,
  );
}

async function untilStatus(id: string, status: string, timeoutMs = 60_000) {
  return eventually(
    `${id} to reach ${status}`,
    async () => ((await caseOf(id)).body.status === status ? true : undefined),
    timeoutMs,
    200,
  );
}

describe('a person acting after the workflow stopped waiting for them', () => {
  it('closes a case whose late inspection found it demolished', async () => {
    const id = await submit();
    await untilWorkflowStopped(id, 'INSPECTION_OVERDUE');
    const current = await caseOf(id);
    expect(current.body).toMatchObject({
      status: 'AWAITING_INSPECTION',
      attention: { reason: expect.stringContaining('stopped waiting') },
    });
    expect(current.body.dueAt).toBeDefined();

    const inspected = await officer.post(
      `/cases/${id}/inspections`,
      { result: 'demolished', inspector: '王科长', areaRemovedM2: 24 },
      { 'if-match': current.headers.get('etag') as string },
    );
    expect(inspected.status).toBe(200);
    await untilStatus(id, 'CLOSED');
    const { ok, events } = await history(id);
    expect(ok).toBe(true);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['INSPECTION_RECORDED', 'CASE_CLOSED']));
    expect((await caseOf(id)).body.attention).toBeUndefined();
  }, 90_000);

  it('escalates, serves the 催告 and decides enforcement after a late inspection found it standing', async () => {
    const id = await submit();
    await untilWorkflowStopped(id, 'INSPECTION_OVERDUE');
    const current = await caseOf(id);
    const inspected = await officer.post(
      `/cases/${id}/inspections`,
      { result: 'not-demolished', inspector: '王科长' },
      { 'if-match': current.headers.get('etag') as string },
    );
    expect(inspected.status).toBe(200);
    await untilStatus(id, 'ENFORCEMENT_DECIDED');
    await serveWhenAwaited(e2e, officer, id, 'enforcement-decision');
    const decided = await caseOf(id);
    expect(decided.body.deadlines.urge).toBeDefined();
    expect(decided.body.dueAt).toBeDefined();
    const { ok, events } = await history(id);
    expect(ok).toBe(true);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['INSPECTION_RECORDED', 'CASE_ESCALATED', 'ENFORCEMENT_DECIDED']),
    );
    await officer.post(`/cases/${id}/dismissal`, { reason: 'withdrawn', explanation: '测试结束' });
  }, 90_000);

  it('closes a case whose forced demolition was recorded after the workflow stopped waiting', async () => {
    const id = await submit();
    const awaiting = await eventually('the inspection to be awaited', async () => {
      const answer = await caseOf(id);
      return answer.body.status === 'AWAITING_INSPECTION' ? answer : undefined;
    });
    expect(
      (
        await officer.post(
          `/cases/${id}/inspections`,
          { result: 'not-demolished', inspector: '王科长' },
          { 'if-match': awaiting.headers.get('etag') as string },
        )
      ).status,
    ).toBe(200);
    await untilStatus(id, 'ENFORCEMENT_DECIDED');
    await serveWhenAwaited(e2e, officer, id, 'enforcement-decision');
    await untilStatus(id, 'ENFORCEMENT_SCHEDULED');
    await untilWorkflowStopped(id, 'ENFORCEMENT_OVERDUE');
    const scheduled = await caseOf(id);
    const enforced = await enforcer.post(
      `/cases/${id}/enforcement`,
      { teamLead: '赵队长', areaRemovedM2: 24 },
      { 'if-match': scheduled.headers.get('etag') as string },
    );
    expect(enforced.status).toBe(200);
    await untilStatus(id, 'CLOSED');
    expect((await history(id)).ok).toBe(true);
  }, 120_000);
});

describe('the attention list and resuming a flagged case', () => {
  it('lists flagged cases, and an officer resumes a case whose workflow failed; it then finishes its path', async () => {
    e2e.stack.faults.inject('Check whether the deadline was extended', {
      times: 'always',
      error: 'Lambda.ServiceException',
    });
    const id = await submit();
    await eventually(
      'the failure to be recorded',
      async () => ((await history(id)).events.some((e) => e.type === 'TASK_FAILED') ? true : undefined),
      60_000,
      200,
    );

    // One failure email each to the office and to operations, however often the step was retried.
    const alerts = await eventually('the failure alerts', async () => {
      const found = (await readMailbox(e2e.stack.ses.endpoint)).filter(
        (m) => m.mailId?.startsWith(`${id}#`) && m.mailId.split('#')[2] === 'workflow-failure',
      );
      return found.length >= 2 ? found : undefined;
    });
    expect(alerts.map((m) => m.to[0]).sort()).toEqual(['operations@rectify.local', 'xiaolongkan-office@rectify.local']);

    const flagged = await officer.get('/cases?attention=true');
    expect(flagged.status).toBe(200);
    expect(flagged.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({
      attention: { reason: expect.stringContaining('workflow step failed') },
    });
    expect((await reporter.post(`/cases/${id}/resume`, { reason: '故障已排除' })).status).toBe(403);
    expect((await auditor.post(`/cases/${id}/resume`, { reason: '故障已排除' })).status).toBe(403);

    e2e.stack.faults.clear();
    const before = await caseOf(id);
    const resumed = await officer.post(
      `/cases/${id}/resume`,
      { reason: '故障已排除' },
      { 'if-match': before.headers.get('etag') as string },
    );
    expect(resumed.status).toBe(200);
    expect(resumed.body.attention).toBeUndefined();
    expect(resumed.body.execution).toBe(`${id}--resume--1`);
    expect((await officer.get('/cases?attention=true')).body.items.map((c: { id: string }) => c.id)).not.toContain(id);

    const awaiting = await eventually('the inspection to be awaited', async () => {
      const answer = await caseOf(id);
      return answer.body.pendingCallback?.kind === 'inspection' ? answer : undefined;
    });
    expect(
      (
        await officer.post(
          `/cases/${id}/inspections`,
          { result: 'demolished', inspector: '王科长', areaRemovedM2: 24 },
          { 'if-match': awaiting.headers.get('etag') as string },
        )
      ).status,
    ).toBe(200);
    await untilStatus(id, 'CLOSED');
    const { ok, events } = await history(id);
    expect(ok).toBe(true);
    const failureMails = (await readMailbox(e2e.stack.ses.endpoint)).filter(
      (m) => m.mailId?.startsWith(`${id}#`) && m.mailId.split('#')[2] === 'workflow-failure',
    );
    expect(failureMails).toHaveLength(2);
    expect(events.filter((e) => e.type === 'WORKFLOW_RESUMED').map((e) => e.data)).toEqual([
      expect.objectContaining({ execution: `${id}--resume--1`, reason: '故障已排除' }),
    ]);
  }, 120_000);

  it('refuses to resume a case whose workflow is running, waiting for the notice to be served', async () => {
    const id = await submit('unit-internal', { serve: false });
    const running = await eventually('the wait for service', async () => {
      const answer = await caseOf(id);
      return answer.body.pendingCallback?.kind === 'service' ? answer : undefined;
    });
    const refused = await officer.post(
      `/cases/${id}/resume`,
      { reason: '无需' },
      { 'if-match': running.headers.get('etag') as string },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/running/);
    await officer.post(`/cases/${id}/dismissal`, { reason: 'withdrawn', explanation: '测试结束' });
  }, 60_000);
});
