import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { Role } from '#domain/vocabulary';
import { s3Client } from '#objects/s3-object-store';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import type { Client } from '../api/support/harness';
import { HEIC_BYTES, JPEG_PHOTO_BYTES, jpegWithExif } from '../fixtures/photos';
import { seedSubmission } from '../fixtures/submissions';
import type { E2eStack } from '../e2e/support';
import { eventually, serveWhenAwaited, startE2eStack } from '../e2e/support';
import { launchBrowser, screenshot, seriousViolations } from './browser';

/**
 * Evidence in the console, in Chromium against the whole local stack: photos attached on the new-case form
 * and on the case page (straight to the local S3 through presigned URLs), cited by an inspection, refused
 * with the API's words next to the field, and marked when `verify` finds a stored file changed.
 */
let e2e: E2eStack;
let browser: Browser;
let consoleUrl: string;

beforeAll(async () => {
  browser = await launchBrowser();
  // Slower than the other console tests: the officer uploads a photo before answering the inspection,
  // and the inspection step must still be waiting by then.
  e2e = await startE2eStack({ consoleDir: await ensureConsoleBuilt(), clockFactor: 20_000 });
  consoleUrl = e2e.stack.consoleUrl as string;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await e2e?.dispose();
}, 30_000);

const PHONE = { width: 375, height: 740 };
// Taken 2026:11:20 10:30:00 (camera time, Beijing) at 29.5586 N, 106.4628 E.
const photo = JPEG_PHOTO_BYTES;

async function signedIn(role: Role, sub: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(consoleUrl);
  await page.getByLabel('角色').selectOption(role);
  await page.getByLabel('人员标识').fill(sub);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '工作台' }).waitFor();
  return page;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

async function registered(address: string): Promise<string> {
  const reporter = await e2e.as('reporter', 'evidence-api-reporter');
  const answer = await reporter.post(
    '/cases',
    seedSubmission({
      discoveredOn: shanghaiDateOf(e2e.stack.clock.now()),
      category: 'unit-internal',
      severity: 'serious',
      location: { subdistrict: '小龙坎街道', community: '解放坡社区', address },
    }),
    { 'idempotency-key': randomUUID() },
  );
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

async function statusOf(officer: Client, id: string, statuses: string[]) {
  return eventually(
    `case ${id} to reach ${statuses.join(' or ')}`,
    async () => {
      const answer = await officer.get(`/cases/${id}`);
      return statuses.includes(answer.body.status) ? answer : undefined;
    },
    90_000,
  );
}

const evidence = (page: Page) => page.getByTestId('evidence');

describe('evidence in the console', () => {
  it('lets a reporter attach a photo on the new-case form; the case page shows when and where it was taken', async () => {
    const page = await signedIn('reporter', 'evidence-reporter');
    await page.getByRole('link', { name: '登记案件' }).click();
    const form = page.getByRole('form', { name: '登记案件' });
    await form.getByLabel('街道').fill('小龙坎街道');
    await form.getByLabel('社区').fill('解放坡社区');
    await form.getByLabel('地址').fill(`隆庆楼${randomUUID().slice(0, 4)}号 屋顶`);
    await form.getByLabel('类别').selectOption('unit-internal');
    await form.getByLabel('严重程度').selectOption('serious');
    await form.getByLabel('情况描述').fill('屋顶加建彩钢板房一间');
    await form.getByLabel('面积（㎡）').fill('24');
    await form.getByLabel('结构材料').selectOption('color-steel-sheet');
    await form.getByLabel('当事人姓名').fill('张某');
    await form.getByLabel('当事人电话').fill('13800138000');
    await form.getByLabel('登记人').fill('李网格');
    await form.getByLabel(/现场照片/).setInputFiles([
      { name: '现场照片.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'IMG_0042.HEIC', mimeType: '', buffer: HEIC_BYTES },
    ]);
    await form.getByRole('button', { name: '提交' }).click();
    await page.locator('.upload-progress', { hasText: 'IMG_0042.HEIC' }).getByText('100%').waitFor();
    await page.locator('.upload-progress', { hasText: '现场照片.jpg' }).getByText('100%').waitFor();
    await screenshot(page, 'new-case-with-photos');
    const link = page.locator('.alert-ok a').first();
    await link.click();
    const files = evidence(page);
    await files.locator('.evidence').first().waitFor();
    await expect(files.locator('.evidence-name').allTextContents()).resolves.toEqual(['现场照片.jpg', 'IMG_0042.HEIC']);
    const jpeg = files.locator('.evidence', { hasText: '现场照片.jpg' });
    // 10:30 on the camera is Beijing time; shown as such, with the position the photo carries.
    await expect(jpeg.textContent()).resolves.toContain('10:30');
    await expect(jpeg.textContent()).resolves.toContain('29.55860, 106.46280');
    await expect(jpeg.locator('img.evidence-thumb').getAttribute('src')).resolves.toContain('X-Amz-Expires=60');
    await expect(
      files.locator('.evidence', { hasText: 'IMG_0042.HEIC' }).locator('.evidence-icon').textContent(),
    ).resolves.toBe('HEIC');
    const downloaded = page.waitForEvent('download');
    await jpeg.getByRole('button', { name: /下载/ }).click();
    expect((await downloaded).suggestedFilename()).toBe('现场照片.jpg');
    await page.context().close();
  }, 90_000);

  it('lets an officer upload inspection photos on the case page and cite them in the inspection', async () => {
    const id = await registered(`上土湾${randomUUID().slice(0, 4)}号 单位院内`);
    const officer = await e2e.as('officer', 'evidence-officer');
    await serveWhenAwaited(e2e, officer, id, 'notice');
    await statusOf(officer, id, ['AWAITING_INSPECTION']);
    const page = await signedIn('officer', 'evidence-officer');
    await page.goto(`${consoleUrl}cases/${id}`);
    const upload = evidence(page).getByRole('form', { name: '上传证据' });
    await upload.getByLabel('环节').selectOption('inspection');
    await upload.getByLabel(/照片或 PDF/).setInputFiles({ name: '拆除后.jpg', mimeType: 'image/jpeg', buffer: photo });
    await upload.getByRole('button', { name: '上传' }).click();
    await evidence(page).locator('.evidence', { hasText: '拆除后.jpg' }).waitFor();
    await page.getByText('记录复查结果').first().click();
    const form = page.getByRole('form', { name: '记录复查结果' });
    await form.getByLabel('复查结果').selectOption('demolished');
    await form.getByLabel('复查人').fill('王科员');
    await form.getByLabel(/拆除后\.jpg/).check();
    await screenshot(page, 'case-inspection-citing-photo');
    await form.getByRole('button', { name: '提交' }).click();
    const inspected = await eventually('the inspection to be recorded', async () => {
      const history = await officer.get(`/cases/${id}/history`);
      return history.body.items.find((e: { type: string }) => e.type === 'INSPECTION_RECORDED');
    }).catch(async (error: unknown) => {
      await screenshot(page, 'failed-inspection-citing-photo');
      throw error;
    });
    const files = await officer.get(`/cases/${id}/evidence`);
    const cited = files.body.items.find((f: { fileName: string }) => f.fileName === '拆除后.jpg');
    expect(inspected.data.evidence).toEqual([{ evidenceId: cited.evidenceId, sha256: cited.sha256 }]);
    await page.getByRole('button', { name: '重新加载' }).first().click();
    const timeline = page.getByTestId('timeline');
    // The reload fetches the history again: wait for the inspection's entry before reading the text.
    await timeline.getByText('依据的证据材料').first().waitFor();
    await expect(timeline.textContent()).resolves.toContain(cited.sha256);
    await page.context().close();
  }, 150_000);

  it('shows the API’s reason next to the file field for a wrong type and an oversize file', async () => {
    const id = await registered(`石小路${randomUUID().slice(0, 4)}号`);
    const page = await signedIn('reporter', 'evidence-api-reporter');
    await page.goto(`${consoleUrl}cases/${id}`);
    const upload = evidence(page).getByRole('form', { name: '上传证据' });
    const field = upload.getByLabel(/照片或 PDF/);
    await field.setInputFiles({ name: '视频.mp4', mimeType: 'video/mp4', buffer: Buffer.from('not a photo') });
    await upload.getByRole('button', { name: '上传' }).click();
    const message = upload.locator('.field-message');
    await expect(message.textContent()).resolves.toContain('视频.mp4');
    await expect(message.textContent()).resolves.toMatch(/image\/jpeg/);
    await expect(field.getAttribute('aria-describedby')).resolves.toBe(await message.getAttribute('id'));
    const large = jpegWithExif({ takenAt: '2026:11:20 10:30:00', latitude: 29.5, longitude: 106.4, padding: 21e6 });
    const largeFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'rectify-evidence-')), '大照片.jpg');
    writeFileSync(largeFile, large);
    await field.setInputFiles(largeFile);
    await upload.getByRole('button', { name: '上传' }).click();
    // The message still names the first file until the second is refused.
    await message.getByText('大照片.jpg').waitFor();
    await expect(message.textContent()).resolves.toContain(String(20 * 1024 * 1024));
    await screenshot(page, 'evidence-refused');
    await expect(evidence(page).locator('.evidence').count()).resolves.toBe(0);
    await page.context().close();
  }, 90_000);

  it('marks a file whose stored bytes changed, and reads well and accessibly at desktop and phone width', async () => {
    const id = await registered(`隆庆楼${randomUUID().slice(0, 4)}号 院坝`);
    const reporter = await e2e.as('reporter', 'evidence-api-reporter');
    const ids: string[] = [];
    for (const [fileName, bytes] of [
      ['现场照片一.jpg', photo],
      ['现场照片二.jpg', jpegWithExif({ takenAt: '2026:11:21 09:00:00', latitude: 29.5587, longitude: 106.4629 })],
    ] as const) {
      const asked = await reporter.post(`/cases/${id}/evidence-uploads`, {
        fileName,
        contentType: 'image/jpeg',
        size: bytes.byteLength,
        stage: 'intake',
      });
      const { upload, evidenceId } = asked.body;
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);
      expect((await reporter.post(`/cases/${id}/evidence`, { evidenceId, fileName, stage: 'intake' })).status).toBe(
        201,
      );
      ids.push(evidenceId as string);
    }
    const s3 = s3Client();
    await s3.send(
      new PutObjectCommand({
        Bucket: e2e.stack.objects.bucket,
        Key: `cases/${id}/evidence/${ids[1]}`,
        Body: Buffer.from('replaced'),
      }),
    );
    s3.destroy();
    for (const [name, viewport] of [
      ['case-evidence', { width: 1280, height: 900 }],
      ['phone-case-evidence', PHONE],
    ] as const) {
      const page = await signedIn('officer', 'evidence-officer-view', viewport);
      await page.goto(`${consoleUrl}cases/${id}`);
      const files = evidence(page);
      await files.locator('.evidence').nth(1).waitFor();
      await expect(
        files.locator(`[data-evidence-id="${ids[1]}"] [data-testid=evidence-mismatch]`).count(),
      ).resolves.toBe(1);
      await expect(files.locator('[data-testid=evidence-mismatch]').count()).resolves.toBe(1);
      const overflow = await page.evaluate<number>('document.scrollingElement.scrollWidth - innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await files.scrollIntoViewIfNeeded();
      await screenshot(page, name);
      await expectAccessible(page);
      await page.context().close();
    }
  }, 90_000);
});
