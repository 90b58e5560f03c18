import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { startLocalStack } from '#local/stack';
import { ensureConsoleBuilt } from '../scripts/console-build';
import { client } from '#test/api/support/harness';
import { launchBrowser } from '#test/console/browser';
import { eventually, serveWhenAwaited } from '#test/e2e/support';
import { seedSubmission } from '#test/fixtures/submissions';
import type { Benchmark } from './harness';
import { percentile, round } from './harness';

/**
 * The console in Chromium against the local stack: the JavaScript the first page after sign-in loads
 * (gzipped, as a CDN serves it), and the time from navigating to a case to its timeline on screen.
 */
export const consoleBenchmark: Benchmark = {
  name: 'console',
  async run(context) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rectify-bench-console-'));
    const stack = await startLocalStack({
      dataDir,
      port: 0,
      mailPort: 0,
      clockFactor: 100_000,
      demoData: false,
      consoleDir: await ensureConsoleBuilt(context.log),
    });
    const browser = await launchBrowser();
    try {
      const reporter = client(stack.apiUrl, await stack.auth.issue({ role: 'reporter', sub: 'bench-reporter' }));
      const created = await reporter.post(
        '/cases',
        seedSubmission({ discoveredOn: shanghaiDateOf(stack.clock.now()), category: 'unit-internal' }),
        { 'idempotency-key': randomUUID() },
      );
      const id = created.body.id as string;
      const officerToken = await stack.auth.issue({ role: 'officer', sub: 'bench-officer' });
      const officer = client(stack.apiUrl, officerToken);
      // The workflow counts the notice's period from its service: the officer records it when it is awaited.
      await serveWhenAwaited({ stack }, officer, id, 'notice');
      await eventually(
        'the bench case to be inspected',
        async () => ((await officer.get(`/cases/${id}`)).body.status === 'AWAITING_INSPECTION' ? true : undefined),
        60_000,
      );

      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await page.addInitScript(`sessionStorage.setItem('rectify.token', ${JSON.stringify(officerToken)})`);
      const scripts: Promise<number>[] = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script')
          scripts.push(response.body().then((body) => gzipSync(body, { level: 9 }).length));
      });
      await page.goto(stack.consoleUrl as string);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const firstPageKb = (await Promise.all(scripts)).reduce((a, b) => a + b, 0) / 1024;
      context.log(`first page (work queue): ${scripts.length} script(s), ${firstPageKb.toFixed(1)} KB gzipped`);

      const caseUrl = `${stack.consoleUrl}cases/${id}`;
      const timings: number[] = [];
      for (let i = 0; i < 23; i += 1) {
        await page.goto('about:blank');
        const started = performance.now();
        await page.goto(caseUrl);
        await page.locator('[data-testid="timeline"] li').first().waitFor();
        if (i >= 3) timings.push(performance.now() - started); // the first rounds warm the server and the browser's cache
      }
      timings.sort((a, b) => a - b);
      context.log(
        `case page, navigation to timeline: p50 ${percentile(timings, 50).toFixed(0)} ms, p95 ${percentile(timings, 95).toFixed(0)} ms over ${timings.length}`,
      );
      return {
        'console.js_kb_gz': { value: round(firstPageKb, 1), unit: 'KB' },
        'console.case_page_ms': { value: round(percentile(timings, 50), 0), unit: 'ms' },
      };
    } finally {
      await browser.close();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
