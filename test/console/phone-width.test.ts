import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { Role } from '#domain/vocabulary';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import { seedSubmission } from '../fixtures/submissions';
import type { E2eStack } from '../e2e/support';
import { eventually, startE2eStack } from '../e2e/support';
import { launchBrowser, screenshot, seriousViolations } from './browser';

/** A small phone held upright (iPhone SE / mini class): the narrowest width the console is made for. */
const PHONE = { width: 375, height: 740 };

let e2e: E2eStack;
let browser: Browser;
let consoleUrl: string;
let caseId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  e2e = await startE2eStack({ consoleDir: await ensureConsoleBuilt() });
  consoleUrl = e2e.stack.consoleUrl as string;
  const reporter = await e2e.as('reporter', 'phone-reporter');
  const created = await reporter.post(
    '/cases',
    seedSubmission({
      discoveredOn: shanghaiDateOf(e2e.stack.clock.now()),
      category: 'unit-internal',
      severity: 'serious',
      location: {
        subdistrict: '小龙坎街道',
        community: '解放坡社区',
        address: `隆庆楼${randomUUID().slice(0, 4)}号 屋顶`,
      },
    }),
    { 'idempotency-key': randomUUID() },
  );
  if (created.status !== 201) throw new Error(`the case was not registered: ${JSON.stringify(created.body)}`);
  caseId = created.body.id as string;
  // The case page at its fullest: the notice issued and its copy emailed to the office.
  const officer = await e2e.as('officer', 'phone-officer');
  await eventually('the notice copy to be sent', async () => {
    const emails = await officer.get(`/cases/${caseId}/emails`);
    return emails.body.items?.some((m: { status: string }) => m.status === 'SENT') ? true : undefined;
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await e2e?.dispose();
}, 30_000);

async function phonePage(): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  return context.newPage();
}

async function signedIn(role: Role): Promise<Page> {
  const page = await phonePage();
  await page.goto(consoleUrl);
  await page.getByLabel('角色').selectOption(role);
  await page.getByLabel('人员标识').fill(`phone-${role}-with-a-long-account-name`);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '工作台' }).waitFor();
  return page;
}

/**
 * Run in the page (as source text: the tests compile without the DOM's types). Everything that sticks out
 * past the right edge of the viewport, named so a failure says where; inside a box that clips or scrolls
 * (a hidden table head, a scrolled chart) what matters is the box.
 */
const OVERFLOW_IN_PAGE = `(() => {
  const innerWidth = window.innerWidth;
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
    .filter((el) => !el.closest('.skip') && !contained(el))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
  return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth, wide };
})()`;

/** Run in the page: the recipient cells of the case page's emails, split into the lines they are laid out on. */
const RECIPIENT_LINES_IN_PAGE = `[...document.querySelectorAll('[data-testid=emails] td.recipient')].map((cell) => {
  const lines = [''];
  let lastTop;
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    for (let i = 0; i < text.length; i++) {
      const range = document.createRange();
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      const top = range.getClientRects()[0]?.top;
      if (top === undefined) continue;
      if (lastTop !== undefined && top > lastTop + 2) lines.push('');
      lastTop = top;
      lines[lines.length - 1] += text.data[i];
    }
  }
  return {
    text: lines.join(''),
    title: cell.querySelector('[title]')?.getAttribute('title'),
    linesNotStartingWithAt: lines.slice(1).filter((line) => !line.startsWith('@')),
  };
})`;

async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; wide: string[] }> {
  return page.evaluate(OVERFLOW_IN_PAGE);
}

async function recipientLines(
  page: Page,
): Promise<{ text: string; title?: string; linesNotStartingWithAt: string[] }[]> {
  return page.evaluate(RECIPIENT_LINES_IN_PAGE);
}

/** Screenshots the page as it is and checks that nothing makes it scroll sideways at a phone's width. */
async function expectFitsPhone(page: Page, name: string): Promise<void> {
  await screenshot(page, `phone-${name}`);
  const seen = await overflow(page);
  expect({ page: name, ...seen }).toEqual({ page: name, scrollWidth: PHONE.width, innerWidth: PHONE.width, wide: [] });
}

describe('every console page at a phone’s width (375 px)', () => {
  it('sign-in', async () => {
    const page = await phonePage();
    await page.goto(consoleUrl);
    await page.getByRole('button', { name: '登录' }).waitFor();
    await expectFitsPhone(page, 'sign-in');
    await page.context().close();
  });

  it.each(['reporter', 'officer', 'enforcer', 'auditor'] as const)('the %s work queue', async (role) => {
    const page = await signedIn(role);
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    await expectFitsPhone(page, `queue-${role}`);
    await page.context().close();
  });

  it('case list, case page, new case, survey import and work summary', async () => {
    const page = await signedIn('officer');
    await page.getByRole('link', { name: '案件列表' }).click();
    await page.getByLabel('街道').fill('小龙坎街道');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.locator('table.cases tbody tr').first().waitFor();
    await expectFitsPhone(page, 'case-list');

    await page.goto(`${consoleUrl}cases/${caseId}`);
    await page.getByTestId('timeline').waitFor();
    await page.getByTestId('emails').locator('tbody tr').first().waitFor();
    await expectFitsPhone(page, 'case-page');
    const shown = await recipientLines(page);
    const sent = (await (await e2e.as('officer')).get(`/cases/${caseId}/emails`)).body.items as { to: string }[];
    expect(shown.length).toBeGreaterThan(0);
    expect(sent.map((mail) => mail.to)).toEqual(expect.arrayContaining(shown.map((cell) => cell.text)));
    // Each address as it reads on the phone: whole, broken (if at all) only before its @, and available in full.
    expect(shown).toEqual(shown.map(({ text }) => ({ text, title: text, linesNotStartingWithAt: [] })));
    await page.getByText('延长期限').first().click();
    await expectFitsPhone(page, 'case-page-action-open');

    await page.goto(`${consoleUrl}cases/new`);
    await page.getByRole('form', { name: '登记案件' }).waitFor();
    await expectFitsPhone(page, 'new-case');
    await page.getByRole('form', { name: '登记案件' }).getByRole('button', { name: '提交' }).click();
    await page.locator('.field-message').first().waitFor();
    await expectFitsPhone(page, 'new-case-errors');

    await page.goto(`${consoleUrl}import`);
    await page.getByRole('heading', { name: '普查导入' }).waitFor();
    await expectFitsPhone(page, 'survey-import');
    const sample = readFileSync(path.join(__dirname, '../../samples/survey-sample.csv'), 'utf8').trim().split('\n');
    const withBadRows = [
      ...sample,
      sample[1]!.replace(/1380013800\d/, '12345'),
      sample[2]!.replace(/,隆庆楼[^,]*,/, ',,'),
    ];
    await page.getByLabel('选择普查 CSV 文件').setInputFiles({
      name: '普查-二〇二六年十二月-小龙坎街道-解放坡社区.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(withBadRows.join('\n')),
    });
    await page.getByTestId('refused-rows').waitFor();
    await expectFitsPhone(page, 'survey-import-checked');

    await page.goto(`${consoleUrl}summary`);
    await page.getByRole('heading', { name: '工作总结' }).waitFor();
    await page.waitForLoadState('networkidle');
    await expectFitsPhone(page, 'work-summary');
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('the local stack’s mailbox page', async () => {
    const page = await phonePage();
    await page.goto(e2e.stack.mailboxUrl);
    await page.waitForLoadState('networkidle');
    await expectFitsPhone(page, 'mailbox');
    await page.context().close();
  });
});
