import { randomUUID } from 'node:crypto';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import { seedSubmission } from '../fixtures/submissions';
import type { E2eStack } from './support';
import { eventually, mailbox, startE2eStack } from './support';

/**
 * The link in an office email opens the console's case page on the local stack (the console is served
 * on the API's origin), not the JSON API, which answers a person who clicks it with a 401.
 */

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ consoleDir: await ensureConsoleBuilt() });
}, 180_000);
afterAll(async () => {
  await e2e?.dispose();
}, 30_000);

describe('links in emails', () => {
  it('point at the console’s case page, which the local stack serves', async () => {
    const reporter = await e2e.as('reporter', 'links-reporter');
    const submitted = await reporter.post(
      '/cases',
      seedSubmission({
        discoveredOn: shanghaiDateOf(e2e.stack.clock.now()),
        category: 'unit-internal',
        location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '石小路7号 链接测试' },
      }),
      { 'idempotency-key': randomUUID() },
    );
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const copy = await eventually('the notice copy', async () =>
      (await mailbox(e2e.stack)).find((m) => m.body?.text?.includes(id) && m.subject.includes('限期拆除通知书')),
    );

    const link = `${e2e.stack.apiUrl}/console/cases/${id}`;
    expect(copy.body?.text).toContain(`案件链接：${link}`);
    expect(copy.body?.html).toContain(`href="${link}"`);
    expect(copy.body?.text).not.toContain(`${e2e.stack.apiUrl}/cases/`);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Rectify 违法建设案件</title>');
  });
});
