import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as fc from 'fast-check';
import { chinaCalendar } from '#domain/china-calendar';
import { resolvePolicy } from '#domain/policy';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { TERMINAL_STATUSES } from '#domain/vocabulary';
import type { Client } from '../api/support/harness';
import type { E2eStack } from '../e2e/support';
import { startE2eStack } from '../e2e/support';
import { seedSubmission } from '../fixtures/submissions';
import { STOPPING_POLICY } from './support/lifecycle';
import { mapLimited } from '#shared/concurrency';

/**
 * The invariant under random use: people act on many cases in random order at random times — before
 * their step is due, after every window has run out, after a task failed for good — and at the end every
 * case is closed, dismissed, waited on by a running execution, or flagged with its step visibly pending.
 */
let e2e: E2eStack;
let clients: Record<'reporter' | 'officer' | 'enforcer', Client>;

const POLICY = resolvePolicy(STOPPING_POLICY);

/** Task states a forced failure can hit: each fails its invocations until the ASL gives up. */
const FAILING_STATES = [
  'Check whether the deadline was extended',
  'Escalate to the sub-district office and serve the demand notice',
  'Schedule the forced demolition',
];

beforeAll(async () => {
  e2e = await startE2eStack({
    clockFactor: 172_800,
    policy: POLICY,
    retryIntervalMs: 10,
    workflowCheckIntervalMs: 60 * 60_000,
    workflowCheckGraceWallMs: 2_000,
  });
  clients = {
    reporter: await e2e.as('reporter', 'reporter-property'),
    officer: await e2e.as('officer'),
    enforcer: await e2e.as('enforcer'),
  };
}, 60_000);

afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

const ACTIONS = [
  'let-every-window-pass',
  'inspect-demolished',
  'inspect-standing',
  'extend',
  'enforce',
  'file-appeal',
  'uphold-appeal',
  'resume',
  'dismiss',
  'fail-a-task',
] as const;
type Action = (typeof ACTIONS)[number];
const stepArbitrary = fc.record({
  waitMs: fc.integer({ min: 0, max: 2_500 }),
  action: fc.constantFrom(...ACTIONS),
  state: fc.constantFrom(...FAILING_STATES),
});
const scriptArbitrary = fc.record({
  category: fc.constantFrom('unit-internal' as const, 'resident-built' as const, 'other' as const),
  steps: fc.array(stepArbitrary, { minLength: 2, maxLength: 5 }),
});

let address = 0;
const calendar = chinaCalendar();

/**
 * One person's action on the case as it stands now; a refusal (4xx) is the procedure saying no. A
 * person told that someone else changed the case reads it again and retries, as the console lets them.
 */
async function act(id: string, action: Action, state: string): Promise<number | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await actOnce(id, action, state);
    if (answer?.status !== 409 || !String(answer.type).endsWith('version-conflict') || attempt >= 8)
      return answer?.status;
  }
}

async function actOnce(
  id: string,
  action: Action,
  state: string,
): Promise<{ status: number; type?: unknown } | undefined> {
  const post = async (client: Client, path: string, body: unknown, headers: Record<string, string>) => {
    const answer = await client.post(path, body, headers);
    return { status: answer.status, type: answer.body?.type };
  };
  const current = await clients.officer.get(`/cases/${id}`);
  const ifMatch = { 'if-match': current.headers.get('etag') as string };
  const legalToday = shanghaiDateOf(e2e.stack.clock.now());
  const deadline = current.body.notice?.deadline?.date as string | undefined;
  switch (action) {
    case 'inspect-demolished':
      return post(
        clients.officer,
        `/cases/${id}/inspections`,
        { result: 'demolished', inspector: '王科长', areaRemovedM2: 24 },
        ifMatch,
      );
    case 'inspect-standing':
      return post(
        clients.officer,
        `/cases/${id}/inspections`,
        { result: 'not-demolished', inspector: '王科长' },
        ifMatch,
      );
    case 'extend': {
      if (!deadline) return undefined;
      const base = deadline > legalToday ? deadline : legalToday;
      const newDeadline = calendar.addWorkingDays(base, 2).date;
      return post(
        clients.officer,
        `/cases/${id}/extensions`,
        { newDeadline, reason: '当事人申请', approver: '李科长' },
        ifMatch,
      );
    }
    case 'enforce':
      return post(clients.enforcer, `/cases/${id}/enforcement`, { teamLead: '赵队长', areaRemovedM2: 24 }, ifMatch);
    case 'file-appeal':
      return post(
        clients.officer,
        `/cases/${id}/appeals`,
        {
          action: 'filed',
          kind: 'reconsideration',
          filedOn: legalToday,
          authority: '沙坪坝区人民政府',
          reference: `R-${id}`,
        },
        ifMatch,
      );
    case 'uphold-appeal':
      return post(
        clients.officer,
        `/cases/${id}/appeals`,
        { action: 'resolved', outcome: 'upheld', resolvedOn: legalToday, reference: `R-${id}` },
        ifMatch,
      );
    case 'resume':
      return post(clients.officer, `/cases/${id}/resume`, { reason: '原因已排除' }, ifMatch);
    case 'dismiss':
      return post(
        clients.officer,
        `/cases/${id}/dismissal`,
        { reason: 'withdrawn', explanation: '当事人已整改' },
        ifMatch,
      );
    case 'let-every-window-pass':
      // Long enough for the notice, the inspection window and its overdue round: the workflow stops waiting.
      await sleep(6_000);
      return undefined;
    case 'fail-a-task':
      // Fails the next invocations of one task state beyond what its retries absorb: the execution fails.
      e2e.stack.faults.inject(state, { times: 9, error: 'Lambda.ServiceException' });
      return undefined;
  }
}

describe('random people, random times, forced failures', () => {
  it('leaves no open case stuck: each is closed, dismissed, carried by a running execution, or flagged and listed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(scriptArbitrary, { minLength: 16, maxLength: 16 }), async (scripts) => {
        const unexpected: string[] = [];
        const ids = await mapLimited(scripts, 8, async (script) => {
          address += 1;
          const created = await clients.reporter.post(
            '/cases',
            seedSubmission({
              category: script.category,
              discoveredOn: shanghaiDateOf(e2e.stack.clock.now()),
              location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: `石小路${address}号 property` },
            }),
            { 'idempotency-key': randomUUID() },
          );
          if (created.status !== 201) throw new Error(`submission answered ${created.status}`);
          const id = created.body.id as string;
          for (const step of script.steps) {
            await sleep(step.waitMs);
            const status = await act(id, step.action, step.state);
            if (status !== undefined && status >= 500) unexpected.push(`${id} ${step.action}: ${status}`);
          }
          return id;
        });
        expect(unexpected).toEqual([]);
        e2e.stack.faults.clear();
        // Let running steps reach their next wait, then let the check look at every case twice.
        await sleep(4_000);
        await e2e.stack.workflowCheck.runNow();
        await e2e.stack.workflowCheck.runNow();
        await sleep(1_000);

        const attention = await clients.officer.get('/cases?attention=true&limit=100');
        const listed = new Set<string>(attention.body.items.map((c: { id: string }) => c.id));
        const stuck: string[] = [];
        for (const id of ids) {
          const record = await e2e.stack.store.getCase(id);
          if (!record) throw new Error(`case ${id} is gone`);
          if (TERMINAL_STATUSES.includes(record.status)) continue;
          // On hold, the appeal authority decides; the case shows in its own status list.
          if (record.status === 'ON_HOLD') continue;
          const running = record.execution
            ? (await e2e.stack.engine.describeExecution(record.execution))?.status === 'RUNNING'
            : false;
          if (running) continue;
          if (record.attention && listed.has(id) && record.dueAt) continue;
          stuck.push(
            `${id} ${record.status} execution=${record.execution ?? 'none'} attention=${record.attention?.reason ?? 'none'} due=${record.dueAt ?? 'none'}`,
          );
        }
        expect(stuck).toEqual([]);
        for (const id of ids) {
          const verified = await clients.officer.get(`/cases/${id}/history?verify=true&limit=200`);
          expect(verified.body.verification?.ok).toBe(true);
        }
      }),
      { numRuns: 1, endOnFailure: true },
    );
  }, 240_000);
});
