import { resolvePolicy } from '#domain/policy';
import { startE2eStack } from '#test/e2e/support';
import type { LifecyclePath } from '#test/reliability/support/lifecycle';
import {
  EXPECTED_END,
  LIFECYCLE_PATHS,
  LOAD_POLICY,
  driveLifecycles,
  verifyHistories,
} from '#test/reliability/support/lifecycle';
import type { Benchmark } from './harness';
import { round } from './harness';

/** How many cases run at once through the whole lifecycle (override with LIFECYCLE_CASES). */
const CASES = Number(process.env.LIFECYCLE_CASES ?? 1_000);
/** One legal day every half second: the lifecycle's waits are short next to the work it does. */
const CLOCK_FACTOR = 172_800;

/**
 * 1,000 cases driven concurrently over HTTP through the whole local stack (API, local workflow engine
 * running the real ASL, outbox mailer and local SES, DynamoDB Local), a quarter down each path:
 * self-demolition, persuasion, forced demolition, dismissal. The figure counts only a run in which every
 * case reached its expected end and every history verified; anything else fails the benchmark.
 */
export const lifecycleBenchmark: Benchmark = {
  name: 'lifecycle.cases_per_s',
  async run(context) {
    const e2e = await startE2eStack({
      clockFactor: CLOCK_FACTOR,
      policy: resolvePolicy(LOAD_POLICY),
      dynamoHeapMb: 512,
      mailSweepIntervalMs: 2_000,
    });
    try {
      const paths = Array.from(
        { length: CASES },
        (_, i) => LIFECYCLE_PATHS[i % LIFECYCLE_PATHS.length] as LifecyclePath,
      );
      const clients = {
        reporter: await e2e.as('reporter', 'reporter-bench'),
        officer: await e2e.as('officer', 'officer-bench'),
        enforcer: await e2e.as('enforcer', 'enforcer-bench'),
        auditor: await e2e.as('auditor', 'auditor-bench'),
      };
      const driven = await driveLifecycles({
        clients,
        subdistrict: '压测街道',
        paths,
        legalNow: () => e2e.stack.clock.now(),
        concurrency: 32,
        roundMs: 500,
        timeoutMs: 20 * 60_000,
        log: context.log,
      });
      if (driven.unexpected.length)
        throw new Error(`unexpected answers: ${JSON.stringify(driven.unexpected.slice(0, 5))}`);
      const wrong = driven.cases.filter((c) => c.status !== EXPECTED_END[c.path]);
      if (wrong.length)
        throw new Error(`${wrong.length} case(s) ended elsewhere: ${JSON.stringify(wrong.slice(0, 5))}`);
      const verdicts = await verifyHistories(
        clients.auditor,
        driven.cases.map((c) => c.id),
        16,
      );
      const broken = verdicts.filter((v) => !v.ok);
      if (broken.length)
        throw new Error(
          `${broken.length} history(ies) do not verify: ${JSON.stringify(broken.slice(0, 3).map((b) => b.detail))}`,
        );
      const failures = verdicts.filter((v) => v.types.includes('TASK_FAILED') || v.types.includes('EMAIL_FAILED'));
      context.log(
        `${CASES} cases in ${driven.elapsedMs} ms (${driven.rounds} rounds, ${driven.actions} actions); ${failures.length} with a failed step or email`,
      );
      // Not a failed run (each such case is recorded, flagged and alerted), but worth seeing.
      for (const v of failures.slice(0, 5))
        context.log(
          `  ${v.id}: ${JSON.stringify(v.events.filter((e) => e.type === 'TASK_FAILED' || e.type === 'EMAIL_FAILED').map((e) => e.data))}`,
        );
      return {
        'lifecycle.cases_per_s': { value: round(CASES / (driven.elapsedMs / 1000)), unit: 'cases/s' },
      };
    } finally {
      await e2e.dispose();
    }
  },
};
