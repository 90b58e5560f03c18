import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleEveryHandler } from '#infra/bundled-handlers';
import type { Benchmark } from './harness';
import { percentile, round } from './harness';

/** Runs per handler and for the bare Node baseline, interleaved so drift hits both alike. */
const RUNS = 9;
const WARM_UPS = 2;

/**
 * Milliseconds from the start of a Node process until `code` has run, as the process itself measures
 * it (`performance.now()` counts from process start): spawning and exiting, which vary most on a busy
 * machine, are left out of both the handler's figure and the bare baseline.
 */
function timeInProcess(code: string, args: string[], environment: Record<string, string>): number {
  const result = spawnSync(
    process.execPath,
    ['-e', `${code};process.stdout.write(String(performance.now()))`, ...args],
    {
      env: {
        PATH: process.env.PATH ?? '',
        // What Lambda always sets; the SDK resolves credentials lazily, on the first call.
        AWS_REGION: 'ap-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...environment,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    },
  );
  if (result.status !== 0)
    throw new Error(
      `node ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr.toString().slice(0, 2000)}`,
    );
  return Number(result.stdout.toString());
}

const BARE = '0';
/** Loading the bundle runs its module scope: environment parsing and SDK client construction. */
const LOAD_BUNDLE = 'require(process.argv[1])';

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/**
 * `bundle_kb.max`: the largest minified handler bundle. `init_ms_over_node.max`: for the handler whose
 * load costs most, the time for Node to load its bundle (and so construct its SDK clients and parse its
 * environment, with the environment the stack gives it) minus the time of a bare `node -e 0`, medians of
 * runs interleaved in one benchmark run.
 */
export const infraBenchmark: Benchmark = {
  name: 'infra: bundle_kb.max + init_ms_over_node.max',
  async run(context) {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'rectify-bundles-'));
    try {
      const started = performance.now();
      const bundles = bundleEveryHandler(outdir);
      context.log(`${bundles.length} handlers bundled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));

      const baseline: number[] = [];
      const byHandler = new Map<string, number[]>(bundles.map((b) => [b.id, []]));
      for (let run = 0; run < WARM_UPS + RUNS; run += 1) {
        const bare = timeInProcess(BARE, [], {});
        if (run >= WARM_UPS) baseline.push(bare);
        for (const bundle of bundles) {
          const loaded = timeInProcess(LOAD_BUNDLE, [bundle.file], bundle.environment);
          if (run >= WARM_UPS) byHandler.get(bundle.id)?.push(loaded);
        }
      }
      const bareMs = median(baseline);
      const overNode = bundles
        .map((bundle) => ({
          id: bundle.id,
          kb: bundle.bytes / 1024,
          ms: median(byHandler.get(bundle.id) ?? []) - bareMs,
        }))
        .sort((a, b) => b.ms - a.ms);
      for (const row of overNode)
        context.log(`${row.id.padEnd(28)} ${row.kb.toFixed(1).padStart(7)} KB  +${row.ms.toFixed(1)} ms over node`);
      const slowest = overNode[0];
      if (!slowest) throw new Error('no handlers to measure');
      context.log(
        `bare node -e 0: ${bareMs.toFixed(1)} ms to run; largest bundle ${largest.id}; slowest to load ${slowest.id}`,
      );
      return {
        'bundle_kb.max': { value: round(largest.bytes / 1024, 1), unit: 'KB' },
        'init_ms_over_node.max': { value: round(slowest.ms, 1), unit: 'ms' },
      };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  },
};
