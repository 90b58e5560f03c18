import { acceleratedClock } from '#domain/clock';
import type { CaseRecord } from '#domain/schemas';
import { LocalWorkflowEngine, STEP_FUNCTIONS_WAIT_RESOLUTION_MS } from '#local/local-engine';
import { EngineEventLog } from '#local/local-engine-probes';
import { CaseStates } from '../api/support/case-states';
import type { Harness } from './harness';
import { waitForStatus, workflowHarness } from './harness';

const CHECK_DEADLINE = 'Check whether the deadline was extended';
const DEADLINE_WAIT = 'Wait until the notice deadline';
const LEAD_MS = 3_000;

let harness: Harness;
beforeAll(async () => {
  harness = await workflowHarness();
});
afterAll(async () => {
  await harness.close();
});

/**
 * In real time, with Wait timestamps read to the whole second as Step Functions reads them: a notice
 * deadline ends at 23:59:59.999, and the step after the Wait must run once, after it — not wake 999 ms
 * early and go round Task→Choice→Wait until the deadline has passed.
 */
describe('a Wait on a deadline that ends at .999, its timestamp cut to the second as in AWS', () => {
  it('wakes once, after the deadline', async () => {
    const deadlineDate = '2026-12-07';
    const deadlineMs = Date.parse('2026-12-07T15:59:59.999Z');
    // Real time (factor 1) from a few seconds before the deadline (the steps before the Wait take their
    // time on DynamoDB Local), wall and legal clocks a whole number of seconds apart, so a whole legal
    // second is a whole engine second, as in AWS.
    const wallNow = Date.now();
    const wholeSecondsApart = Math.ceil((wallNow - (deadlineMs - LEAD_MS)) / 1_000);
    const clock = acceleratedClock({ wallMs: wallNow, legalMs: wallNow - wholeSecondsApart * 1_000, factor: 1 });
    const legalStart = clock.now().getTime();
    expect(deadlineMs - legalStart).toBeGreaterThanOrEqual(LEAD_MS);
    expect(deadlineMs - legalStart).toBeLessThan(LEAD_MS + 1_000);

    const states = new CaseStates(harness.store, () => clock.now());
    const issued: CaseRecord = await states.noticeIssued({ deadlineDate, served: true });
    expect(issued.notice?.deadline.at).toBe(new Date(deadlineMs).toISOString());

    const eventLog = new EngineEventLog();
    const engine = new LocalWorkflowEngine({
      ...harness.engineOptions,
      probes: [eventLog],
      taskDeps: { ...harness.engineOptions.taskDeps, clock },
      waitTimestampResolutionMs: STEP_FUNCTIONS_WAIT_RESOLUTION_MS,
    });
    try {
      await engine.startExecution({ caseId: issued.id, phase: 'intake', round: 1 });
      await waitForStatus(harness, issued.id, 'AWAITING_INSPECTION', 10_000);
      // One wait on the deadline, and one check after it.
      const waits = eventLog.events.filter(
        (e) => e.type === 'StateEntered' && e.state === DEADLINE_WAIT && e.execution.startsWith(issued.id),
      );
      expect(waits.length).toBe(1);
      const checks = eventLog.invocations.filter(
        (i) => i.state === CHECK_DEADLINE && i.execution.startsWith(issued.id),
      );
      expect(checks.length).toBe(1);
      expect(clock.now().getTime()).toBeGreaterThan(deadlineMs);
    } finally {
      await engine.close();
    }
  });
});
