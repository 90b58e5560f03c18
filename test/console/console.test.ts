import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { chinaCalendar } from '#domain/china-calendar';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { Role } from '#domain/vocabulary';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import type { Client, HttpAnswer } from '../api/support/harness';
import { seedSubmission } from '../fixtures/submissions';
import type { E2eStack } from '../e2e/support';
import { eventually, serveWhenAwaited, startE2eStack } from '../e2e/support';
import { launchBrowser, screenshot, screenshotPath, seriousViolations } from './browser';

let e2e: E2eStack;
let browser: Browser;
let consoleUrl: string;

beforeAll(async () => {
  browser = await launchBrowser();
  // Slower than the API's end-to-end tests: a person in a browser needs a few seconds to answer a step
  // before the workflow marks it overdue (a 7-day deadline passes in about 12 s).
  e2e = await startE2eStack({ consoleDir: await ensureConsoleBuilt(), clockFactor: 50_000 });
  consoleUrl = e2e.stack.consoleUrl as string;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await e2e?.dispose();
}, 30_000);

const today = () => shanghaiDateOf(e2e.stack.clock.now());

async function signedIn(
  role: Role,
  sub = `console-${role}`,
  viewport = { width: 1280, height: 900 },
  subdistricts = '',
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(consoleUrl);
  await page.getByLabel('角色').selectOption(role);
  await page.getByLabel('人员标识').fill(sub);
  if (subdistricts) await page.getByLabel('管辖街道').fill(subdistricts);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '工作台' }).waitFor();
  return page;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

async function caseIn(officer: Client, id: string, statuses: string[]): Promise<HttpAnswer> {
  return eventually(`case ${id} to reach ${statuses.join(' or ')}`, async () => {
    const answer = await officer.get(`/cases/${id}`);
    return statuses.includes(answer.body.status) ? answer : undefined;
  });
}

async function submittedByApi(address: string): Promise<string> {
  const reporter = await e2e.as('reporter', 'console-api-reporter');
  const answer = await reporter.post(
    '/cases',
    seedSubmission({
      discoveredOn: today(),
      category: 'unit-internal',
      severity: 'serious',
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address },
    }),
    { 'idempotency-key': randomUUID() },
  );
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

/** Reloads the case page until its status badge reads `label`. */
async function untilStatus(page: Page, label: string): Promise<void> {
  // A failure leaves the page as it was last seen beside the other screenshots.
  await eventually(
    `the case page to show ${label}`,
    async () => {
      await page.getByRole('button', { name: '重新加载' }).first().click();
      await page.getByTestId('timeline').waitFor();
      return (await page.locator('.case-head .badge-open, .case-head .badge-done').first().textContent()) === label
        ? true
        : undefined;
    },
    60_000,
    500,
  ).catch(async (error: unknown) => {
    await screenshot(page, `failed-waiting-for-${label}`);
    throw error;
  });
}

describe('the web console in Chromium against the local stack', () => {
  it.each(['reporter', 'officer', 'enforcer', 'auditor'] as const)(
    'lets a %s sign in and shows their work queue',
    async (role) => {
      const page = await signedIn(role);
      await expect(page.locator('.who').textContent()).resolves.toContain(`console-${role}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await screenshot(page, `queue-${role}`);
      await expectAccessible(page);
      await page.context().close();
    },
  );

  it('shows the local sign-in, marked as the local stack, accessibly', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(consoleUrl);
    await expect(page.locator('.local-flag').textContent()).resolves.toContain('本地环境');
    await screenshot(page, 'sign-in');
    await expectAccessible(page);
    await page.context().close();
  });

  it('lets a reporter submit a case through the form and see it reach the notice', async () => {
    const page = await signedIn('reporter', 'console-reporter-form');
    await page.getByRole('link', { name: '登记案件' }).click();
    const form = page.getByRole('form', { name: '登记案件' });
    await form.getByLabel('街道').fill('小龙坎街道');
    await form.getByLabel('社区').fill('解放坡社区');
    await form.getByLabel('地址').fill(`隆庆楼${Math.floor(Math.random() * 1000)}号 屋顶`);
    await form.getByLabel('类别').selectOption('unit-internal');
    await form.getByLabel('严重程度').selectOption('serious');
    await form.getByLabel('情况描述').fill('屋顶加建彩钢板房一间');
    await form.getByLabel('面积（㎡）').fill('24');
    await form.getByLabel('结构材料').selectOption('color-steel-sheet');
    await form.getByLabel('当事人姓名').fill('张某');
    await form.getByLabel('当事人电话').fill('13800138000');
    await form.getByLabel('登记人').fill('李网格');
    await screenshot(page, 'new-case');
    await expectAccessible(page);
    await form.getByRole('button', { name: '提交' }).click();
    const link = page.locator('.alert-ok a').first();
    const id = (await link.textContent()) as string;
    expect(id).toMatch(/^C-\d{8}-/);
    await link.click();
    await eventually(
      'the notice in the case timeline',
      async () => {
        await page.getByRole('button', { name: '重新加载' }).first().click();
        await page.getByTestId('timeline').waitFor();
        return (await page.getByTestId('timeline').textContent())?.includes('下达限期拆除通知书') ? true : undefined;
      },
      60_000,
      500,
    );
    await expect(page.locator('.lifecycle li.visited, .lifecycle li.current').allTextContents()).resolves.toContain(
      '已下达限期拆除通知书',
    );
    await page.context().close();
  }, 90_000);

  it('shows a notice the workflow waits to see served on the case page, and lists it in the officer’s queue once its service is overdue', async () => {
    const id = await submittedByApi(`石小路${Math.floor(Math.random() * 1000)}号 未送达`);
    const officer = await e2e.as('officer');
    await eventually('the wait for service', async () => {
      const answer = await officer.get(`/cases/${id}`);
      return answer.body.pendingCallback?.kind === 'service' ? true : undefined;
    });
    const page = await signedIn('officer', 'console-officer-service');
    await page.goto(`${consoleUrl}cases/${id}`);
    await page.getByTestId('timeline').waitFor();
    await expect(page.locator('.facts').textContent()).resolves.toContain('已下达，尚未送达：流程等待录入送达');
    await eventually('the service reminder', async () => {
      const answer = await officer.get(`/cases/${id}`);
      return answer.body.attention?.unserved === 'notice' ? true : undefined;
    });
    await page.goto(consoleUrl);
    const section = page.getByRole('region', { name: /送达逾期未录入/ });
    await section.waitFor();
    await expect(section.textContent()).resolves.toContain(id);
    await screenshot(page, 'queue-service-overdue');
    await expectAccessible(page);
    await page.context().close();
    await officer.post(`/cases/${id}/dismissal`, { reason: 'withdrawn', explanation: '测试结束' });
  }, 90_000);

  it('lets an officer record an inspection from the case page and see the case close with its chain verified', async () => {
    const id = await submittedByApi(`上土湾${Math.floor(Math.random() * 1000)}号 单位院内`);
    const page = await signedIn('officer', 'console-officer');
    await serveWhenAwaited(e2e, await e2e.as('officer'), id, 'notice');
    await caseIn(await e2e.as('officer'), id, ['AWAITING_INSPECTION']);
    await page.goto(`${consoleUrl}cases/${id}`);
    await page.getByTestId('timeline').waitFor();
    await screenshot(page, 'case-awaiting-inspection');
    // The notice the workflow issued: listed as issued and served, and downloadable as the PDF issued.
    const [listed] = (await (await e2e.as('officer')).get(`/cases/${id}/documents`)).body.items as {
      number: string;
      fileName: string;
      sha256: string;
    }[];
    const documents = page.getByTestId('documents');
    await expect(documents.locator('tbody tr').allTextContents()).resolves.toEqual([
      expect.stringMatching(new RegExp(`^限期拆除通知书${listed?.number}.+已送达.+下载 PDF`)),
    ]);
    await documents.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: screenshotPath('case-documents'),
      clip: (await documents.boundingBox()) ?? undefined,
    });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      documents.getByRole('button', { name: `下载 PDF ${listed?.fileName}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(listed?.fileName);
    const pdf = readFileSync(await download.path());
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(listed?.sha256);
    await page.getByText('记录复查结果').first().click();
    const form = page.getByRole('form', { name: '记录复查结果' });
    await form.getByLabel('复查结果').selectOption('demolished');
    await form.getByLabel('复查人').fill('王科员');
    await form.getByRole('button', { name: '提交' }).click();
    await untilStatus(page, '已结案');
    await page.getByTestId('chain').getByText('记录链校验通过').waitFor();
    await page.getByTestId('timeline').getByText('记录复查结果').first().waitFor();
    // Every value and fact name the events record reads in Chinese: no raw enum value (self-demolished) or
    // key (areaRemovedM2). Who acted is an account id, shown as it is, outside the events' facts.
    const facts = (await page.locator('[data-testid=timeline] li > .event-data').allTextContents()).join('\n');
    expect(facts.match(/(?<![\w./@-])(?:[a-z]+(?:-[a-z]+)+|[a-z]+[A-Z][A-Za-z]*)(?![\w.@-])/g) ?? []).toEqual([]);
    const emails = page.getByTestId('emails');
    await expect(emails.textContent()).resolves.toContain('通知书抄送街道办');
    await expect(emails.locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    // Kinds and statuses read in Chinese, not as the API's raw values.
    await expect(emails.textContent()).resolves.not.toMatch(/notice-copy|PENDING|SENT|FAILED/);
    await screenshot(page, 'case-closed');
    await expectAccessible(page);
    await page.context().close();
  }, 90_000);

  it('signs an officer in for one sub-district, shows that office, and keeps the other districts’ cases out', async () => {
    const id = await submittedByApi(`隆庆楼${Math.floor(Math.random() * 1000)}号 天台`);
    const elsewhere = await signedIn('officer', 'console-officer-yubilu', undefined, '渝碚路街道');
    await expect(elsewhere.getByTestId('office').textContent()).resolves.toBe('渝碚路街道');
    await elsewhere.goto(`${consoleUrl}cases/${id}`);
    await expect(elsewhere.getByRole('alert').textContent()).resolves.toContain('出错了: 未找到');
    await elsewhere.context().close();

    const here = await signedIn('officer', 'console-officer-xiaolongkan', undefined, '小龙坎街道');
    await expect(here.getByTestId('office').textContent()).resolves.toBe('小龙坎街道');
    await here.goto(`${consoleUrl}cases/${id}`);
    await here.getByTestId('timeline').waitFor();
    await here.context().close();

    const city = await signedIn('officer', 'console-officer-city');
    await expect(city.getByTestId('office').textContent()).resolves.toBe('全市');
    await city.context().close();
  });

  it('imports a GBK survey file: progress, every refused row with its field and reason, each accepted row’s case', async () => {
    const run = Math.floor(Math.random() * 100_000);
    const [header, ...lines] = readFileSync(path.join(__dirname, '../../samples/survey-sample.csv'), 'utf8')
      .trim()
      .split('\n');
    const good = lines.map((line) => line.replace(/号/, `-${run}号`));
    const csv = [
      header,
      ...good, // rows 2–6
      good[0]!.replace(/13800138001/, '12345'), // row 7: bad phone
      good[1]!.replace(/,隆庆楼[^,]*,/, ',,'), // row 8: no address
      good[2], // row 9: duplicate of row 4
    ].join('\r\n');
    const file = { name: '普查.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'gbk') };

    const page = await signedIn('reporter', 'console-reporter-survey');
    await page.getByRole('link', { name: '普查导入' }).click();
    // The file button speaks the page's language; the browser's own ("Choose File") is out of sight but
    // still the control the keyboard and screen readers reach, its focus shown on the visible button.
    const input = page.getByLabel('选择普查 CSV 文件');
    const picker = page.locator('label[for=survey-file]');
    await expect(picker.textContent()).resolves.toBe('选择普查 CSV 文件');
    await expect(page.getByTestId('chosen-file').textContent()).resolves.toBe('未选择文件');
    await expect(input.boundingBox().then((box) => box?.width)).resolves.toBeLessThanOrEqual(1);
    const focused = () => input.evaluate((el) => el === el.ownerDocument.activeElement);
    for (let presses = 0; presses < 20 && !(await focused()); presses++) await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe(true);
    await expect(
      picker.evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).outlineStyle),
    ).resolves.toBe('solid');
    await input.setInputFiles(file);
    // The page shows the file's name, then what it read from it: wait for each before reading on.
    await page.getByTestId('chosen-file').filter({ hasText: '普查.csv' }).waitFor();
    await expect(page.getByTestId('chosen-file').textContent()).resolves.toBe('普查.csv');
    await page.getByRole('status').filter({ hasText: '（GBK）：5 行可导入，3 行有误' }).first().waitFor();
    const refusedBefore = page.getByTestId('refused-rows');
    await expect(refusedBefore.locator('tbody tr td:first-child').allTextContents()).resolves.toEqual(['7', '8', '9']);
    await screenshot(page, 'survey-import-checked');
    await expectAccessible(page);

    await page.getByRole('button', { name: '导入 5 行' }).click();
    await page.getByTestId('import-summary').filter({ hasText: '导入完成' }).waitFor();
    await expect(page.getByTestId('import-summary').textContent()).resolves.toBe(
      '导入完成：新登记 5 件，此前已导入 0 件，3 行未导入。',
    );
    const accepted = page.getByTestId('accepted-rows').locator('tbody tr');
    await expect(accepted.locator('td:first-child').allTextContents()).resolves.toEqual(['2', '3', '4', '5', '6']);
    const ids = await accepted.locator('a').allTextContents();
    expect(ids.every((id) => /^C-\d{8}-/.test(id))).toBe(true);
    const refused = await page.getByTestId('refused-rows').locator('tbody tr').allTextContents();
    expect(refused).toEqual([
      expect.stringMatching(/^7联系电话 \(responsibleParty\.phone\)须为中国大陆手机或固定电话号码$/),
      expect.stringMatching(/^8地址 \(location\.address\)必填$/),
      expect.stringMatching(/^9整行与第 4 行重复$/),
    ]);
    await screenshot(page, 'survey-import-done');
    await expectAccessible(page);

    // The imported case is there, as the reporter's own.
    const officer = await e2e.as('officer');
    await expect(officer.get(`/cases/${ids[0]}`).then((a) => a.body.location.address)).resolves.toBe(
      `隆庆楼16-${run}号屋顶`,
    );

    // Importing the same file again registers nothing twice.
    await page.getByLabel('选择普查 CSV 文件').setInputFiles([]);
    await page.getByLabel('选择普查 CSV 文件').setInputFiles(file);
    await page.getByRole('button', { name: '导入 5 行' }).click();
    // The first import's summary may still be on the page until the second one answers.
    await page.getByTestId('import-summary').filter({ hasText: '此前已导入 5 件' }).waitFor();
    await expect(page.getByTestId('import-summary').textContent()).resolves.toBe(
      '导入完成：新登记 0 件，此前已导入 5 件，3 行未导入。',
    );
    await expect(page.getByTestId('accepted-rows').locator('a').allTextContents()).resolves.toEqual(ids);

    await page.getByRole('button', { name: 'English' }).click();
    await page.goto(`${consoleUrl}import`);
    await expect(picker.textContent()).resolves.toBe('Choose the survey CSV file');
    await expect(page.getByTestId('chosen-file').textContent()).resolves.toBe('No file chosen');
    await page.context().close();
  }, 60_000);

  it('offers an auditor no action, and the API refuses an auditor’s write', async () => {
    const id = await submittedByApi(`石小路${Math.floor(Math.random() * 1000)}号`);
    const page = await signedIn('auditor', 'console-auditor');
    await page.goto(`${consoleUrl}cases/${id}`);
    await page.getByTestId('timeline').waitFor();
    await expect(page.getByTestId('no-actions').isVisible()).resolves.toBe(true);
    await expect(page.locator('form[data-action]').count()).resolves.toBe(0);
    const token = await page.evaluate<string>("sessionStorage.getItem('rectify.token')");
    const write = await fetch(`${e2e.stack.apiUrl}/cases/${id}/dismissal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'other', explanation: '审计不应能撤销' }),
    });
    expect(write.status).toBe(403);
    await page.context().close();
  });

  it('shows the API’s field errors next to the fields of a bad form', async () => {
    const page = await signedIn('reporter', 'console-reporter-bad');
    await page.getByRole('link', { name: '登记案件' }).click();
    const form = page.getByRole('form', { name: '登记案件' });
    await form.getByLabel('街道').fill('小龙坎街道');
    await form.getByLabel('当事人电话').fill('12345');
    await form.getByLabel('面积（㎡）').fill('-3');
    await form.getByRole('button', { name: '提交' }).click();
    // The fields are marked once the API's answer is in: wait for the phone's before reading them.
    await form.locator('.field-error').filter({ hasText: '当事人电话' }).waitFor();
    const phone = form.getByLabel('当事人电话');
    await expect(phone.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await phone.getAttribute('aria-describedby')) as string;
    // The API's reason, in Chinese beside the Chinese label.
    await expect(page.locator(`#${describedBy}`).textContent()).resolves.toBe('须为中国大陆手机或固定电话号码');
    const messages = await form.locator('.field-message').allTextContents();
    expect(messages.length).toBeGreaterThan(3);
    expect(messages.filter((m) => !/[\u4e00-\u9fff]/.test(m))).toEqual([]);
    await expect(form.getByLabel('面积（㎡）').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(form.getByLabel('地址').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(page, 'new-case-errors');
    await expectAccessible(page);
    await page.context().close();
  });

  it('tells an officer acting on a stale case that someone else changed it', async () => {
    const id = await submittedByApi(`解放坡${Math.floor(Math.random() * 1000)}号`);
    const officerApi = await e2e.as('officer', 'console-officer-other');
    const read = await caseIn(officerApi, id, ['NOTICE_ISSUED', 'AWAITING_INSPECTION']);
    const page = await signedIn('officer', 'console-officer-stale');
    await page.goto(`${consoleUrl}cases/${id}`);
    await page.getByTestId('timeline').waitFor();
    const before = await officerApi.get(`/cases/${id}`);
    const extended = await officerApi.post(
      `/cases/${id}/extensions`,
      {
        newDeadline: chinaCalendar().addWorkingDays(
          shanghaiDateOf(new Date(e2e.stack.clock.now().getTime() + 38 * 86_400_000)),
          1,
        ).date,
        reason: '当事人申请延期',
        approver: '赵主任',
      },
      { 'if-match': before.headers.get('etag') as string },
    );
    expect([read.status, extended.status]).toEqual([200, 200]);
    await page.getByText('撤销案件').first().click();
    const form = page.getByRole('form', { name: '撤销案件' });
    await form.getByLabel('撤销原因').selectOption('other');
    await form.getByLabel('说明').fill('测试');
    await form.getByRole('button', { name: '提交' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toContain('其他人已修改此案件');
    await screenshot(page, 'case-conflict');
    await page.context().close();
  });
});
