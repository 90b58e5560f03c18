import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import type { BundledHandler } from '#infra/bundled-handlers';
import { bundleEveryHandler } from '#infra/bundled-handlers';
import { BUNDLING, PROJECT_ROOT } from '#infra/bundling';
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

/**
 * Parts every handler loads, each bundled alone exactly as the synth bundles a handler: what they cost
 * at a cold start is a floor no handler that uses them can go under.
 */
const PROBES = [
  {
    id: 'dynamodb_client',
    what: 'the DynamoDB document client, as Rectify builds it, reading one item',
    source: `import { documentClient } from '#shared/aws-clients';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
const client = documentClient();
export const handler = () => client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'case#x', sk: 'case' } }));`,
  },
  {
    id: 'schemas',
    what: "zod and every schema of Rectify's domain and requests",
    source: `export * from '#domain/schemas';
export * from '#api/request-schemas';`,
  },
] as const;

/** The synth's bundling (infra/bundling.ts) as esbuild options, for bundling a probe outside CDK. */
function bundleProbe(source: string, file: string): number {
  const aliases = BUNDLING.esbuildArgs?.['--alias'];
  const result = buildSync({
    stdin: { contents: source, resolveDir: PROJECT_ROOT, loader: 'ts', sourcefile: 'probe.ts' },
    bundle: true,
    platform: 'node',
    outfile: file,
    minify: BUNDLING.minify ?? false,
    target: BUNDLING.target ?? 'node22',
    format: 'cjs',
    mainFields: [...(BUNDLING.mainFields ?? [])],
    external: [...(BUNDLING.externalModules ?? [])],
    charset: 'utf8',
    define: { ...BUNDLING.define },
    inject: (BUNDLING.inject ?? []).map((injected) => path.join(PROJECT_ROOT, injected)),
    alias: Object.fromEntries(
      (Array.isArray(aliases) ? aliases : []).map((alias) => {
        const [from = '', to = ''] = String(alias).split('=');
        return [from, path.join(PROJECT_ROOT, to)];
      }),
    ),
    logLevel: 'warning',
    metafile: true,
  });
  return Object.values(result.metafile.outputs).reduce((bytes, output) => bytes + output.bytes, 0);
}

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
      const environment = bundles.find((b) => b.kind === 'api')?.environment ?? {};
      const probes: BundledHandler[] = PROBES.map((probe) => {
        const file = path.join(outdir, 'probes', probe.id, 'index.js');
        return { id: `probe:${probe.id}`, kind: 'probe', file, bytes: bundleProbe(probe.source, file), environment };
      });

      const baseline: number[] = [];
      const byHandler = new Map<string, number[]>([...bundles, ...probes].map((b) => [b.id, []]));
      for (let run = 0; run < WARM_UPS + RUNS; run += 1) {
        const bare = timeInProcess(BARE, [], {});
        if (run >= WARM_UPS) baseline.push(bare);
        for (const bundle of [...bundles, ...probes]) {
          const loaded = timeInProcess(LOAD_BUNDLE, [bundle.file], bundle.environment);
          if (run >= WARM_UPS) byHandler.get(bundle.id)?.push(loaded);
        }
      }
      const bareMs = median(baseline);
      const overNode = [...bundles, ...probes]
        .map((bundle) => ({
          id: bundle.id,
          kind: bundle.kind,
          kb: bundle.bytes / 1024,
          ms: median(byHandler.get(bundle.id) ?? []) - bareMs,
        }))
        .sort((a, b) => b.ms - a.ms);
      for (const row of overNode)
        context.log(`${row.id.padEnd(28)} ${row.kb.toFixed(1).padStart(7)} KB  +${row.ms.toFixed(1)} ms over node`);
      const slowestOf = (kind?: 'api') => {
        const row = overNode.find((r) => (kind ? r.kind === kind : r.kind !== 'probe'));
        if (!row) throw new Error(`no ${kind ?? 'handler'} bundle was measured`);
        return row;
      };
      const slowest = slowestOf();
      const slowestRoute = slowestOf('api');
      context.log(
        `bare node -e 0: ${bareMs.toFixed(1)} ms to run; largest bundle ${largest.id}; slowest to load ${slowest.id}; slowest API route ${slowestRoute.id}`,
      );
      for (const probe of PROBES) context.log(`probe:${probe.id} is ${probe.what}`);
      const probeMs = (id: (typeof PROBES)[number]['id']) => {
        const row = overNode.find((r) => r.id === `probe:${id}`);
        if (!row) throw new Error(`probe ${id} was not measured`);
        return round(row.ms, 1);
      };
      return {
        'bundle_kb.max': { value: round(largest.bytes / 1024, 1), unit: 'KB' },
        'init_ms_over_node.max': { value: round(slowest.ms, 1), unit: 'ms' },
        'init_ms_over_node.api_max': { value: round(slowestRoute.ms, 1), unit: 'ms' },
        'init_ms_over_node.dynamodb_client': { value: probeMs('dynamodb_client'), unit: 'ms' },
        'init_ms_over_node.schemas': { value: probeMs('schemas'), unit: 'ms' },
      };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  },
};
