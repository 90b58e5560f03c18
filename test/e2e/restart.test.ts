import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { DEMO_REPORTER_SUB } from '#local/demo-data';
import { seedSubmission } from '../fixtures/submissions';
import { CaseStates } from '../api/support/case-states';
import type { E2eStack } from './support';
import { eventually, mailbox, startE2eStack } from './support';

/** Slow enough that a 7-day persuasion outlasts a restart (about 30 s), fast enough to finish it after. */
const CLOCK_FACTOR = 20_000;

let e2e: E2eStack | undefined;
afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

describe('stopping and starting the local stack again', () => {
  it('keeps every case and the demo data, continues legal time and resumes open workflows', async () => {
    e2e = await startE2eStack({ clockFactor: CLOCK_FACTOR, demoData: true });
    const first = e2e;
    expect(first.stack.demoCaseIds).toHaveLength(3);
    const auditor = await first.as('auditor');
    const area = `/cases?subdistrict=${encodeURIComponent('小龙坎街道')}&limit=100`;
    const demoListed = await auditor.get(area);
    expect(demoListed.body.items.map((c: { id: string }) => c.id)).toEqual(first.stack.demoCaseIds);
    expect(demoListed.body.items.every((c: { reporterSub: string }) => c.reporterSub === DEMO_REPORTER_SUB)).toBe(true);
    // The work unit's extension is noticed at once: its notice copy reaches the mailbox page.
    await eventually('a demo notice email', async () =>
      (await mailbox(first.stack)).some((m) => m.subject.includes('限期拆除通知书')) ? true : undefined,
    );

    const reporter = await first.as('reporter', 'reporter-restart');
    const created = await reporter.post(
      '/cases',
      seedSubmission({
        discoveredOn: shanghaiDateOf(first.stack.clock.now()),
        location: { subdistrict: '重启街道', community: '解放坡社区', address: '隆庆楼18号' },
      }),
      {
        'idempotency-key': randomUUID(),
      },
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await eventually('persuasion to start', async () =>
      (await reporter.get(`/cases/${id}`)).body.status === 'PERSUASION' ? true : undefined,
    );

    // A submission that died between storing its case and starting its workflow, never replayed.
    const orphan = await new CaseStates(first.stack.store, () => first.stack.clock.now()).reported({
      reporterSub: 'reporter-restart',
      submission: {
        discoveredOn: shanghaiDateOf(first.stack.clock.now()),
        location: { subdistrict: '重启街道', community: '解放坡社区', address: '隆庆楼19号' },
      },
    });

    await first.stop();
    const stoppedAt = JSON.parse(readFileSync(path.join(first.dataDir, 'clock.json'), 'utf8')) as { legalMs: number };
    await new Promise((r) => setTimeout(r, 1_500));

    const restartedAt = Date.now();
    e2e = await startE2eStack({ clockFactor: CLOCK_FACTOR, demoData: true, dataDir: first.dataDir });
    const second = e2e;
    expect(second.stack.demoCaseIds).toEqual(first.stack.demoCaseIds);
    expect(second.stack.resumed).toContain(`${id}--intake--1`);
    // Legal time went on from where it stopped: it advanced only while the new stack ran, not during
    // the 1.5 s (a legal 8 hours) the stack was down.
    const advanced = second.stack.clock.now().getTime() - stoppedAt.legalMs;
    expect(advanced).toBeGreaterThanOrEqual(0);
    expect(advanced).toBeLessThanOrEqual((Date.now() - restartedAt) * CLOCK_FACTOR);

    const again = await (await second.as('auditor')).get(area);
    expect(again.body.items.map((c: { id: string }) => c.id)).toEqual(first.stack.demoCaseIds);
    const sameReporter = await second.as('reporter', 'reporter-restart');
    const kept = await sameReporter.get(`/cases/${id}`);
    expect(kept.body).toMatchObject({ id, status: 'PERSUASION' });

    // The resumed execution waits for the persuasion result again and carries on when it comes.
    await eventually('the resumed step to wait for the persuasion result', async () =>
      (await sameReporter.get(`/cases/${id}`)).body.pendingCallback?.kind === 'persuasion-result' ? true : undefined,
    );
    const result = await sameReporter.post(`/cases/${id}/inspections`, {
      result: 'not-demolished',
      inspectedAt: second.stack.clock.now().toISOString(),
      inspector: '李网格',
    });
    expect(result.status).toBe(200);
    const noticed = await eventually('the notice after persuasion failed', async () => {
      const answer = await sameReporter.get(`/cases/${id}`);
      return answer.body.status === 'NOTICE_ISSUED' ? answer : undefined;
    });
    expect(noticed.body.notice.number).toMatch(/^RN-/);

    // The new stack's intake check started the case its submission never started, and only that one.
    const rescued = await eventually('the unstarted case to reach persuasion', async () => {
      const answer = await sameReporter.get(`/cases/${orphan.id}`);
      return answer.body.status === 'PERSUASION' ? answer : undefined;
    });
    expect(rescued.body.execution).toBe(`${orphan.id}--intake--1`);
    // A run of its own (runNow joins a run in progress, which may be the one that started it).
    await second.stack.workflowCheck.runNow();
    expect((await second.stack.workflowCheck.runNow())?.started).toEqual([]);
  }, 120_000);
});
