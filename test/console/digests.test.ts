import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { hashEvent } from '#domain/chain';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { Role } from '#domain/vocabulary';
import { keys } from '#store/table';
import type { operations } from '../../console/src/api/schema';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import { seedSubmission } from '../fixtures/submissions';
import type { E2eStack } from '../e2e/support';
import { eventually, startE2eStack } from '../e2e/support';
import { launchBrowser, screenshot, seriousViolations } from './browser';

type Verification = operations['verifyDigests']['responses'][200]['content']['application/json'];

/**
 * The auditor's digests page in Chromium against the whole local stack: a city-wide officer anchors the
 * chain heads now, an auditor sees every anchored history hold; then someone with write access to the
 * table rewrites two histories (one event edited in place, one rewritten with its hash and the case's head
 * recomputed, which the table alone no longer shows) and the page names both cases, each linked to its
 * case page. The tests run in order: the second checks what the first anchored.
 */
let e2e: E2eStack;
let browser: Browser;
let consoleUrl: string;
let caseIds: [string, string];

const PHONE = { width: 375, height: 740 };

beforeAll(async () => {
  browser = await launchBrowser();
  // Real time: the cases wait for their notice to be served while the page checks them, and the chain's
  // latest digest stays as fresh as it was written.
  e2e = await startE2eStack({ consoleDir: await ensureConsoleBuilt(), clockFactor: 1 });
  consoleUrl = e2e.stack.consoleUrl as string;
  const reporter = await e2e.as('reporter', 'digests-reporter');
  const officer = await e2e.as('officer', 'digests-officer-api');
  const ids: string[] = [];
  for (const address of ['隆庆楼', '上土湾']) {
    const created = await reporter.post(
      '/cases',
      seedSubmission({
        discoveredOn: shanghaiDateOf(e2e.stack.clock.now()),
        category: 'unit-internal',
        severity: 'serious',
        location: {
          subdistrict: '小龙坎街道',
          community: '解放坡社区',
          address: `${address}${randomUUID().slice(0, 4)}号`,
        },
      }),
      { 'idempotency-key': randomUUID() },
    );
    if (created.status !== 201) throw new Error(`the case was not registered: ${JSON.stringify(created.body)}`);
    ids.push(created.body.id as string);
  }
  caseIds = ids as [string, string];
  // Each case at rest: its notice issued and copied to the office, the workflow waiting for the service.
  for (const id of caseIds)
    await eventually(`the notice copy of ${id} to be sent`, async () => {
      const emails = await officer.get(`/cases/${id}/emails`);
      return emails.body.items?.some((m: { status: string }) => m.status === 'SENT') ? true : undefined;
    });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await e2e?.dispose();
}, 30_000);

async function signedIn(role: Role, viewport = { width: 1280, height: 900 }, subdistricts = ''): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(consoleUrl);
  await page.getByLabel('角色').selectOption(role);
  await page.getByLabel('人员标识').fill(`digests-${role}`);
  if (subdistricts) await page.getByLabel('管辖街道').fill(subdistricts);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '工作台' }).waitFor();
  return page;
}

async function openDigests(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: '记录锚定' }).click();
  await page.getByRole('heading', { level: 1, name: '记录锚定' }).waitFor();
}

const verification = (page: Page) => page.getByTestId('verification');
const figure = (page: Page, label: string) =>
  verification(page).locator('.figures div', { hasText: label }).locator('dd');

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

/** What someone who can write the table does to a history, as test/security/digests.test.ts does. */
function table() {
  const doc = (e2e.stack.store as unknown as { doc: DynamoDBDocumentClient }).doc;
  const TableName = e2e.stack.tableName;
  const item = async (key: Record<string, string>) =>
    (await doc.send(new GetCommand({ TableName, Key: key }))).Item as Record<string, unknown>;
  return {
    /** Event `seq`'s data changed in place; its hash left as it was. */
    async editEvent(id: string, seq: number) {
      const event = await item(keys.event(id, seq));
      await doc.send(new PutCommand({ TableName, Item: { ...event, data: { ...(event.data as object), area: 1 } } }));
    },
    /** The last event rewritten, its hash recomputed, and the case's head rewritten to match. */
    async rewriteLastEvent(id: string) {
      const { lastSeq } = (await item(keys.case(id))) as { lastSeq: number };
      const { PK, SK, entity, hash: _old, ...content } = await item(keys.event(id, lastSeq));
      const rewritten = { ...content, actor: { sub: 'someone-else', role: 'system' } };
      const hash = hashEvent(rewritten as never);
      await doc.send(new PutCommand({ TableName, Item: { PK, SK, entity, ...rewritten, hash } }));
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.case(id),
          UpdateExpression: 'SET lastHash = :h',
          ExpressionAttributeValues: { ':h': hash },
        }),
      );
    },
  };
}

describe('the digests page', () => {
  it('lets a city-wide officer anchor now, and an auditor see every anchored history hold', async () => {
    const officer = await signedIn('officer');
    await openDigests(officer);
    await verification(officer)
      .getByRole('status')
      .getByText(/核对通过|尚无锚定文件/)
      .waitFor();
    await officer.getByRole('button', { name: '立即锚定' }).click();
    await officer.getByText(/^已写入锚定文件 digests\/\d{9}\.json（第 \d+ 份）/).waitFor();
    await expect(officer.getByText(/锚定 \d+ 个案件链头/).textContent()).resolves.toMatch(/锚定 2 个案件链头/);
    // Anchoring runs the verification again: the new digest and both cases are in it.
    await verification(officer)
      .getByText(/^✓ 核对通过/)
      .waitFor();
    await expect(figure(officer, '已核对案件').textContent()).resolves.toBe('2');
    await screenshot(officer, 'digests-anchored');
    await officer.context().close();

    const auditor = await signedIn('auditor');
    await openDigests(auditor);
    await verification(auditor)
      .getByText(/^✓ 核对通过/)
      .waitFor();
    await expect(figure(auditor, '已核对案件').textContent()).resolves.toBe('2');
    const stored = Number(await figure(auditor, '存档的锚定文件').textContent());
    expect(stored).toBeGreaterThan(0);
    await expect(figure(auditor, '签名与衔接有效').textContent()).resolves.toBe(String(stored));
    // Each digest, newest first, valid, the officer's with the two cases it anchored.
    const rows = auditor.getByTestId('digest-list').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(stored);
    await expect(rows.first().locator('td').nth(0).textContent()).resolves.toBe(String(stored));
    await expect(rows.first().locator('td').nth(2).textContent()).resolves.toBe('2');
    await expect(rows.locator('.badge').allTextContents()).resolves.toEqual(Array(stored).fill('✓ 有效'));
    // The latest digest's end, in Beijing time.
    await expect(figure(auditor, '最近一份锚定截止').textContent()).resolves.toMatch(
      /^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$/,
    );
    // Writing a digest is the city-wide officers' alone (POST /digests): not offered to an auditor.
    await expect(auditor.getByRole('button', { name: '立即锚定' }).count()).resolves.toBe(0);
    await expect(auditor.locator('pre.command').textContent()).resolves.toBe(
      'openssl dgst -sha256 -verify digest-key.pem -signature digest.sig digest.json',
    );
    const downloaded = auditor.waitForEvent('download');
    await auditor.getByRole('button', { name: '下载公钥（PEM）' }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toBe('digest-key.pem');
    const api = await (await e2e.as('auditor', 'digests-auditor-api')).get('/digests/public-key');
    expect(readFileSync(await file.path(), 'utf8')).toBe(api.body.publicKeyPem);
    expect(api.body.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    await screenshot(auditor, 'digests-all-good');
    await expectAccessible(auditor);
    await auditor.context().close();
  }, 120_000);

  it('names each case rewritten after anchoring, with a link to it, as the verification goes on over several answers', async () => {
    const [edited, recomputed] = caseIds;
    const tamper = table();
    await tamper.editEvent(edited, 1);
    await tamper.rewriteLastEvent(recomputed);

    const auditor = await signedIn('auditor');
    // The first answer as a server that ran out of time after one case gives it; the second waits until
    // the page has shown that the verification goes on.
    const [first] = [...caseIds].sort();
    let releaseSecond: () => void = () => undefined;
    const secondMayGo = new Promise<void>((resolve) => (releaseSecond = resolve));
    const afters: (string | null)[] = [];
    await auditor.route('**/digests/verification*', async (route) => {
      const after = new URL(route.request().url()).searchParams.get('after');
      afters.push(after);
      if (after !== null) {
        await secondMayGo;
        return route.continue();
      }
      const response = await route.fetch();
      const whole = (await response.json()) as Verification;
      const partial: Verification = {
        ...whole,
        cases: { checked: 1, complete: false, lastCaseId: first },
        rewritten: whole.rewritten.filter((finding) => finding.caseId <= (first as string)),
      };
      return route.fulfill({ response, json: partial });
    });
    await openDigests(auditor);
    await verification(auditor)
      .getByText(/正在核对…已核对 1 件案件/)
      .waitFor();
    await expect(verification(auditor).locator('progress').count()).resolves.toBe(1);
    await screenshot(auditor, 'digests-verifying');
    releaseSecond();
    await verification(auditor).getByText('发现 2 处问题').waitFor();
    expect(afters).toEqual([null, first]);
    await expect(figure(auditor, '已核对案件').textContent()).resolves.toBe('2');

    const findings = auditor.getByTestId('findings');
    const editedFinding = findings.locator(`[data-case-id="${edited}"]`);
    const recomputedFinding = findings.locator(`[data-case-id="${recomputed}"]`);
    await expect(editedFinding.locator('.badge').textContent()).resolves.toBe('锚定后记录被修改');
    await expect(editedFinding.textContent()).resolves.toContain('第 1 条记录在锚定后被修改');
    await expect(recomputedFinding.locator('.badge').textContent()).resolves.toBe('记录链被重算');
    await expect(recomputedFinding.textContent()).resolves.toMatch(/数据表自身的校验已看不出/);
    await expect(recomputedFinding.textContent()).resolves.toMatch(/锚定依据：digests\/\d{9}\.json，北京时间 \d{4}年/);
    await screenshot(auditor, 'digests-findings');
    await expectAccessible(auditor);

    await editedFinding.getByRole('link', { name: edited }).click();
    await auditor.getByRole('heading', { level: 1, name: edited }).waitFor();
    await auditor
      .getByTestId('chain')
      .getByText(/记录链校验失败：第 1 条记录/)
      .waitFor();
    await auditor.context().close();
  }, 120_000);

  it('reads well and accessibly at phone width, in Chinese and in English', async () => {
    const auditor = await signedIn('auditor', PHONE);
    await openDigests(auditor);
    await verification(auditor).getByText('发现 2 处问题').waitFor();
    const overflow = await auditor.evaluate<number>('document.scrollingElement.scrollWidth - innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    // At phone width each row of the digest list is a card whose cells name their column themselves.
    const cellLabels = await auditor.evaluate<string[]>(
      `[...document.querySelectorAll('table.digests tbody tr:first-child td')]
        .map((cell) => getComputedStyle(cell, '::before').content)`,
    );
    expect(cellLabels).toEqual(['"序号："', '"期间（北京时间）："', '"锚定案件数："', '"签名与衔接："']);
    await screenshot(auditor, 'phone-digests-findings');
    await expectAccessible(auditor);
    await auditor.getByRole('button', { name: 'English' }).click();
    await auditor.getByRole('heading', { level: 1, name: 'Digests' }).waitFor();
    await expect(
      auditor.getByTestId('findings').locator(`[data-case-id="${caseIds[1]}"] .badge`).textContent(),
    ).resolves.toBe('History rewritten and its hashes recomputed');
    await auditor.context().close();
  }, 90_000);

  it('is not offered to an officer of one sub-district, and the API’s refusal is shown if opened', async () => {
    const officer = await signedIn('officer', undefined, '小龙坎街道');
    await expect(officer.getByRole('navigation').getByRole('link', { name: '记录锚定' }).count()).resolves.toBe(0);
    await officer.goto(`${consoleUrl}digests`);
    await verification(officer)
      .getByRole('alert')
      .getByText(/当前角色无权办理此事项/)
      .waitFor();
    await verification(officer)
      .getByText(/只有审计人员和全市范围的办事人员可以核对/)
      .waitFor();
    await expect(officer.getByRole('button', { name: '下载公钥（PEM）' }).count()).resolves.toBe(0);
    await expect(officer.getByRole('button', { name: '立即锚定' }).count()).resolves.toBe(0);
    await screenshot(officer, 'digests-forbidden');
    await officer.context().close();
  }, 60_000);
});
