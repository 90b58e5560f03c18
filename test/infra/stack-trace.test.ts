import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLING, PROJECT_ROOT } from '#infra/bundling';
import { mapStackTrace } from '#infra/stack-trace';

const ENTRY = path.join(__dirname, 'fixtures', 'throwing-entry.ts');

describe('a stack trace from a function’s log', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'rectify-stack-trace-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('names the bundle’s minified position at run time, and the source file and line once mapped', async () => {
    const outfile = path.join(folder, 'index.js');
    // Bundled as the stack bundles a function (infra/bundling.ts): minified, the map beside it, no sources.
    await build({
      entryPoints: [ENTRY],
      absWorkingDir: PROJECT_ROOT,
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: BUNDLING.target,
      minify: BUNDLING.minify,
      sourcemap: BUNDLING.sourceMap,
      sourcesContent: BUNDLING.sourcesContent,
      logLevel: 'silent',
    });
    // Run as a deployed function runs: NODE_OPTIONS without --enable-source-maps.
    const trace = execFileSync(
      process.execPath,
      [
        '-e',
        'try { require(process.argv[1]).handler({ caseId: "C-1" }) } catch (e) { process.stdout.write(e.stack) }',
        outfile,
      ],
      { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' },
    );
    expect(trace).toContain('case C-1 failed its check');
    expect(trace).toMatch(/index\.js:\d+:\d+/);
    expect(trace).not.toContain('throwing-entry.ts');

    const payload = JSON.parse(readFileSync(`${outfile}.map`, 'utf8')) as SourceMapPayload;
    const mapped = mapStackTrace(trace, payload);
    const source = readFileSync(ENTRY, 'utf8').split('\n');
    const throwLine = source.findIndex((line) => line.includes('throw new Error')) + 1;
    const callLine = source.findIndex((line) => line.includes('return checkCase(')) + 1;
    expect(mapped).toContain(`test/infra/fixtures/throwing-entry.ts:${throwLine}:`);
    expect(mapped).toContain(`test/infra/fixtures/throwing-entry.ts:${callLine}:`);
    expect(mapped).not.toMatch(/index\.js:\d+:\d+/);
    // Node's own frames are not the map's: they stay as they were.
    expect(mapped).toContain('node:internal');
  });
});
