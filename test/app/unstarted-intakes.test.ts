import { randomUUID } from 'node:crypto';
import { manualClock } from '../../functions/domain/clock';
import { chinaCalendar } from '../../functions/domain/china-calendar';
import { resolvePolicy } from '../../functions/domain/policy';
import { makeCaseIntake } from '../../functions/app/report-case';
import { INTAKE_GRACE_MS, makeUnstartedIntakeCheck } from '../../functions/app/unstarted-intakes';
import { executionName } from '../../functions/workflow/engine';
import { RecordingEngine } from '../api/support/recording-engine';
import { CaseStates } from '../api/support/case-states';
import { seedSubmission } from '../fixtures/submissions';
import { freshTable } from '../support/table';

let table: Awaited<ReturnType<typeof freshTable>>;

beforeAll(async () => {
  table = await freshTable('unstarted-intakes');
});

afterAll(async () => {
  await table?.drop();
});

const intakeOf = (caseId: string) => executionName({ caseId, phase: 'intake', round: 1 });

describe('the check for cases whose intake never started', () => {
  it('starts the intake of a case its submission stored but never started, once, and leaves the rest alone', async () => {
    const clock = manualClock(new Date('2026-11-27T02:00:00Z'));
    const engine = new RecordingEngine();
    const deps = { store: table.store, engine, clock, calendar: chinaCalendar(), policy: resolvePolicy() };
    const intake = makeCaseIntake(deps);
    const submit = (address: string) =>
      intake.submit({ actor: { sub: 'reporter-check', role: 'reporter' }, idempotencyKey: randomUUID(), submission: seedSubmission({ location: { subdistrict: '小龙坎街道', community: '解放坡社区', address } }) });

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

    const check = makeUnstartedIntakeCheck(deps);
    // Within the grace period the submission may still be starting its own workflow.
    clock.advance(INTAKE_GRACE_MS - 1_000);
    expect(await check.startUnstarted()).toEqual({ examined: 3, started: [], flagged: 1, complete: true });
    expect(engine.executions).toEqual([intakeOf(started.body.id)]);

    clock.advance(2_000);
    const first = await check.startUnstarted();
    expect(first).toEqual({ examined: 3, started: [lost?.id], flagged: 1, complete: true });
    expect(engine.executions.sort()).toEqual([intakeOf(started.body.id), intakeOf(lost?.id ?? '')].sort());
    expect(engine.executions).not.toContain(intakeOf(flagged.id));

    // Checking again starts nothing new: every start is by the execution's name.
    expect(await check.startUnstarted()).toEqual({ examined: 3, started: [], flagged: 1, complete: true });
    expect(engine.executions).toHaveLength(2);
  });

  it('stops taking cases when its time budget is spent, and says so', async () => {
    const clock = manualClock(new Date('2026-11-27T02:00:00Z'));
    await new CaseStates(table.store, () => clock.now()).reported();
    clock.advance(INTAKE_GRACE_MS + 1_000);
    const engine = new RecordingEngine();
    const check = makeUnstartedIntakeCheck({ store: table.store, engine, clock });
    expect(await check.startUnstarted({ budgetMs: 0 })).toEqual({ examined: 0, started: [], flagged: 0, complete: false });
    expect(engine.executions).toEqual([]);
  });
});
