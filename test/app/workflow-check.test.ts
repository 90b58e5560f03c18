import { randomUUID } from 'node:crypto';
import { manualClock } from '#domain/clock';
import { chinaCalendar } from '#domain/china-calendar';
import { resolvePolicy } from '#domain/policy';
import { makeCaseIntake } from '#app/case-intake';
import { INTAKE_GRACE_MS, MAX_AUTOMATIC_RESUMES, STALL_GRACE_MS, makeWorkflowCheck } from '#app/workflow-check';
import { executionName } from '#workflow/engine';
import { RecordingEngine } from '../api/support/recording-engine';
import { CaseStates } from '../api/support/case-states';
import { seedSubmission } from '../fixtures/submissions';
import { freshTable } from '../support/table';

let table: Awaited<ReturnType<typeof freshTable>>;

beforeAll(async () => {
  table = await freshTable('workflow-check');
});

afterAll(async () => {
  await table?.drop();
});

const intakeOf = (caseId: string) => executionName({ caseId, phase: 'intake', round: 1 });

describe('the workflow check: cases whose intake never started', () => {
  it('starts the intake of a case its submission stored but never started, once, and leaves the rest alone', async () => {
    const clock = manualClock(new Date('2026-11-27T02:00:00Z'));
    const engine = new RecordingEngine();
    const deps = { store: table.store, engine, clock, calendar: chinaCalendar(), policy: resolvePolicy() };
    const intake = makeCaseIntake(deps);
    const submit = (address: string) =>
      intake.submit({
        actor: { sub: 'reporter-check', role: 'reporter' },
        idempotencyKey: randomUUID(),
        submission: seedSubmission({ location: { subdistrict: '小龙坎街道', community: '解放坡社区', address } }),
      });

    // The engine is down when this submission commits its case: the case is stored, no workflow runs,
    // and the reporter never replays.
    engine.fail.start = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(submit('隆庆楼31号')).rejects.toThrow();
    engine.fail.start = undefined;
    const [lost] = (await table.store.listByStatus('REPORTED')).items;
    expect(lost).toBeDefined();
    const started = await submit('隆庆楼32号');
    const flagged = await new CaseStates(table.store, () => clock.now()).failedAtIntake();
    expect(engine.executions).toEqual([intakeOf(started.body.id)]);

    const check = makeWorkflowCheck(deps);
    // Within the grace period the submission may still be starting its own workflow.
    clock.advance(INTAKE_GRACE_MS - 1_000);
    expect(await check.check()).toEqual({
      examined: 3,
      started: [],
      resumed: [],
      flagged: 1,
      gaveUp: [],
      complete: true,
    });
    expect(engine.executions).toEqual([intakeOf(started.body.id)]);

    clock.advance(2_000);
    const first = await check.check();
    expect(first).toEqual({ examined: 3, started: [lost?.id], resumed: [], flagged: 1, gaveUp: [], complete: true });
    expect(engine.executions.sort()).toEqual([intakeOf(started.body.id), intakeOf(lost?.id ?? '')].sort());
    expect(engine.executions).not.toContain(intakeOf(flagged.id));

    // Checking again starts nothing new: every start is by the execution's name.
    expect(await check.check()).toEqual({
      examined: 3,
      started: [],
      resumed: [],
      flagged: 1,
      gaveUp: [],
      complete: true,
    });
    expect(engine.executions).toHaveLength(2);
  });

  it('stops taking cases when its time budget is spent, and says so', async () => {
    const clock = manualClock(new Date('2026-11-27T02:00:00Z'));
    await new CaseStates(table.store, () => clock.now()).reported();
    clock.advance(INTAKE_GRACE_MS + 1_000);
    const engine = new RecordingEngine();
    const check = makeWorkflowCheck({
      store: table.store,
      engine,
      clock,
      calendar: chinaCalendar(),
      policy: resolvePolicy(),
    });
    expect(await check.check({ budgetMs: 0 })).toEqual({
      examined: 0,
      started: [],
      resumed: [],
      flagged: 0,
      gaveUp: [],
      complete: false,
    });
    expect(engine.executions).toEqual([]);
  });
});

describe('the workflow check: cases whose workflow stopped without telling anyone', () => {
  async function stalledNotice() {
    const clock = manualClock(new Date('2026-12-01T02:00:00Z'));
    const engine = new RecordingEngine();
    const deps = { store: table.store, engine, clock, calendar: chinaCalendar(), policy: resolvePolicy() };
    const states = new CaseStates(table.store, () => clock.now());
    // The notice deadline is 2026-12-07; the intake execution carries the case.
    const issued = await states.noticeIssued();
    engine.executions.push(`${issued.id}--intake--1`);
    return { clock, engine, deps, issued };
  }

  it('leaves a case whose execution runs, and resumes one whose execution failed unrecorded, once', async () => {
    const { clock, engine, deps, issued } = await stalledNotice();
    const carrying = `${issued.id}--intake--1`;
    const check = makeWorkflowCheck(deps);

    // Before the deadline, and while its execution runs, the case is waited on.
    expect((await check.check()).resumed).not.toContain(issued.id);
    clock.set(new Date(Date.parse(issued.dueAt ?? '') + STALL_GRACE_MS + 60_000));
    expect((await check.check()).resumed).not.toContain(issued.id);

    // The execution failed and nothing recorded it: the case is resumed from its status.
    engine.ended.set(carrying, 'FAILED');
    const report = await check.check();
    expect(report.resumed).toContain(issued.id);
    const resumedName = `${issued.id}--resume--1`;
    expect(engine.startCalls).toContainEqual({ caseId: issued.id, phase: 'resume', round: 1 });
    const after = await table.store.getCase(issued.id);
    expect(after).toMatchObject({ status: 'NOTICE_ISSUED', execution: resumedName, resumeRound: 1 });
    const last = (await table.store.history(issued.id)).items.at(-1);
    expect(last).toMatchObject({
      type: 'WORKFLOW_RESUMED',
      actor: { sub: 'rectify-workflow-check', role: 'system' },
      data: { execution: resumedName, previousExecution: carrying, previousExecutionStatus: 'FAILED' },
    });

    // The resumed execution runs: checking again changes nothing.
    expect((await check.check()).resumed).not.toContain(issued.id);
    expect((await table.store.getCase(issued.id))?.version).toBe(after?.version);
  });

  it('flags a case whose workflow keeps stopping after it was resumed, instead of resuming it for ever', async () => {
    const { clock, engine, deps, issued } = await stalledNotice();
    clock.set(new Date(Date.parse(issued.dueAt ?? '') + STALL_GRACE_MS + 60_000));
    const check = makeWorkflowCheck(deps);
    for (let round = 1; round <= MAX_AUTOMATIC_RESUMES; round += 1) {
      const carrying = (await table.store.getCase(issued.id))?.execution ?? `${issued.id}--intake--1`;
      if (!engine.executions.includes(carrying)) engine.executions.push(carrying);
      engine.ended.set(carrying, 'FAILED');
      expect((await check.check()).resumed).toContain(issued.id);
      engine.ended.set(`${issued.id}--resume--${round}`, 'FAILED');
    }
    const report = await check.check();
    expect(report.gaveUp).toContain(issued.id);
    expect(report.resumed).not.toContain(issued.id);
    const flagged = await table.store.getCase(issued.id);
    expect(flagged?.attention?.reason).toMatch(/stopped again after 3 automatic resumes/);
    expect((await table.store.listFlagged({ limit: 100 })).items.map((f) => f.caseId)).toContain(issued.id);
    // A flagged case waits for a person: the check leaves it alone.
    const again = await check.check();
    expect(again.gaveUp).not.toContain(issued.id);
    expect(again.flagged).toBeGreaterThan(0);
  });
});
