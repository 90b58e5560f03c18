import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BundledHandler } from '#infra/bundled-handlers';
import { bundleEveryHandler } from '#infra/bundled-handlers';

/**
 * The code Lambda runs is the bundle, not the source the other tests load: a dependency that works from
 * node_modules can fail once esbuild has folded it into one CommonJS file (an ESM package resolving a
 * file from `import.meta.url`, a `require` of a path that is not in the bundle). Each function's bundle,
 * built exactly as the stack deploys it, is loaded alone in a fresh Node process with the environment
 * the stack gives it, as a cold start would.
 */
let outdir: string;
let bundles: BundledHandler[];

// Bundling every function as the synth does takes about a minute on a quiet machine, several when it is busy.
beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'rectify-bundles-'));
  bundles = bundleEveryHandler(outdir);
}, 900_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function load(bundle: BundledHandler): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['-e', 'process.stdout.write(typeof require(process.argv[1]).handler)', bundle.file],
    {
      // Only what Lambda sets and what the stack gives the function: no node_modules beside the bundle.
      cwd: path.dirname(bundle.file),
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'ap-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...bundle.environment,
      },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.slice(0, 2000) };
}

describe('each function’s deployed bundle', () => {
  it('is built for every function in the stack', () => {
    expect(bundles.length).toBeGreaterThan(30);
    expect(bundles.map((b) => b.id)).toEqual(expect.arrayContaining(['IssueNotice', 'Escalate', 'DecideEnforcement']));
  });

  it('loads on its own, with the environment the stack gives it, and exports its handler', () => {
    const failed = bundles
      .map((bundle) => ({ id: bundle.id, ...load(bundle) }))
      .filter((result) => result.status !== 0 || result.stdout !== 'function');
    expect(failed).toEqual([]);
  });
});
