import { setTimeout as sleep } from 'node:timers/promises';
import type { CaseStore } from '#store/case-store';
import { LocalWorkflowEngine } from '#local/local-engine';
import { startCaseWorkflow } from '#workflow/phases';
import type { Harness } from '../workflow/harness';
import { reportCase, startScenario, waitForStatus, workflowHarness } from '../workflow/harness';

/**
 * The local engine runs at most `taskConcurrency` task functions at once, as a Lambda concurrency limit
 * would: more executions than that wait for a slot instead of flooding the shared DynamoDB client (a
 * thousand at once made its requests time out and whole workflows fail; `npm run bench lifecycle` runs
 * that thousand).
 */
let harness: Harness;
beforeAll(async () => {
  harness = await workflowHarness();
  await startScenario(harness);
});
afterAll(async () => {
  await harness.close();
});

describe('task functions running at once', () => {
  it('never exceed the limit, and every execution gets its turn', async () => {
    let running = 0;
    let most = 0;
    // Every task function reads its case first: while that read is held, the function is running.
    const countingStore = new Proxy(harness.store, {
      get(target, property, receiver) {
        if (property === 'getCase') {
          return async (...args: Parameters<CaseStore['getCase']>) => {
            running += 1;
            most = Math.max(most, running);
            try {
              await sleep(40);
              return await target.getCase(...args);
            } finally {
              running -= 1;
            }
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await harness.engine.close();
    harness.engine = new LocalWorkflowEngine({
      ...harness.engineOptions,
      taskConcurrency: 2,
      taskDeps: { ...harness.engineOptions.taskDeps, store: countingStore },
    });

    const cases = [];
    for (let i = 0; i < 6; i += 1)
      cases.push(
        await reportCase(harness, {
          category: 'other',
          location: { subdistrict: '并发街道', community: '解放坡社区', address: `石小路${i + 1}号` },
        }),
      );
    await Promise.all(cases.map((c) => startCaseWorkflow(harness.engine, c.id)));
    for (const c of cases) await waitForStatus(harness, c.id, 'NOTICE_ISSUED');
    expect(most).toBe(2);
    for (const name of harness.engine.runningExecutions()) await harness.engine.stopExecution(name, 'the test is over');
  });
});
