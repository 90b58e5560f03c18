import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { addressKeyOf, reportedCaseOf, requestHashOf, scopedIdempotencyKey } from '#app/case-intake';
import { INLINE_EXPORT_MAX_BYTES } from '#app/case-exports';
import { newCaseId } from '#domain/case-history';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { NewCase } from '#store/case-intake-store';
import { BatchEntriesRefusedError } from '#store/errors';
import { MAX_CASES_PER_TRANSACTION } from '#store/table';
import { seedSubmission } from '#test/fixtures/submissions';
import type { ApiHarness, Client } from './support/harness';
import { startApiHarness } from './support/harness';
import { runRectify } from '../cli/run-rectify';

/**
 * An export larger than an answer carries goes through the object store: 20,000 cases of one sub-district,
 * stored with the intake's batch writes (25 cases a transaction, as a survey import stores them), exported
 * by the API on DynamoDB Local and the run's local S3, downloaded through the presigned link it answers.
 */
const CASES = 20_000;
const SEEDING_TRANSACTIONS_AT_ONCE = 4;

let api: ApiHarness;
let auditor: Client;
const subdistrict = `导出街道-${randomUUID().slice(0, 6)}`;
const seeded: string[] = [];

beforeAll(async () => {
  api = await startApiHarness({ now: new Date('2026-12-09T02:00:00Z') });
  auditor = await api.as('auditor', 'auditor-large-export');
  const seedingStarted = performance.now();
  const start = api.clock.now().getTime();
  const batches: NewCase[][] = [];
  const drawn = new Set<string>();
  for (let i = 0; i < CASES; i += MAX_CASES_PER_TRANSACTION) {
    const batch: NewCase[] = [];
    for (let n = i; n < Math.min(CASES, i + MAX_CASES_PER_TRANSACTION); n += 1) {
      // A millisecond apart, so the area index holds them in the order they were made.
      const at = new Date(start + n);
      const submission = seedSubmission({
        location: {
          subdistrict,
          community: `第${(n % 12) + 1}社区`,
          address: `重庆市沙坪坝区小龙坎街道解放坡社区石小路${n}号附${n % 7}号 第${(n % 5) + 1}栋楼顶及院坝内未经规划许可加建的彩钢板房两间及雨棚一处`,
        },
      });
      // 20,000 ids of one day from 30 random bits meet twice about one run in six: draw again, as intake
      // does when the id it drew is taken.
      let id = newCaseId(shanghaiDateOf(at), randomBytes(6));
      while (drawn.has(id)) id = newCaseId(shanghaiDateOf(at), randomBytes(6));
      drawn.add(id);
      const actor = { sub: 'reporter-survey', role: 'reporter' as const };
      const { record, event } = reportedCaseOf({ id, at, actor, submission, possibleDuplicates: [] });
      batch.push({
        record,
        firstEvent: event,
        idempotency: {
          key: scopedIdempotencyKey(actor.sub, `survey-${n}`),
          requestHash: requestHashOf(submission),
          caseId: id,
          createdAt: at.toISOString(),
          expiresAt: Math.floor(at.getTime() / 1000) + 86_400,
        },
        addressKey: addressKeyOf(submission.location),
      });
      seeded.push(id);
    }
    batches.push(batch);
  }
  const queue = [...batches];
  await Promise.all(
    Array.from({ length: SEEDING_TRANSACTIONS_AT_ONCE }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        // A transaction racing another one is refused whole (DynamoDB's TransactionConflict): store it again,
        // as the survey import does.
        for (let attempt = 1; ; attempt += 1) {
          try {
            await api.store.intake.createCases(batch);
            break;
          } catch (error) {
            const conflictOnly =
              error instanceof BatchEntriesRefusedError && error.codes.every((code) => code === 'TransactionConflict');
            if (!conflictOnly || attempt === 5) throw error;
          }
        }
      }
    }),
  );
  console.log(`seeded ${CASES} cases in ${Math.round(performance.now() - seedingStarted)} ms`);
}, 600_000);
afterAll(async () => {
  await api.close();
});

describe('an export larger than an answer', () => {
  it('answers a 5-minute presigned link to the whole export, every case once, with its SHA-256', async () => {
    const started = performance.now();
    const answer = await auditor.get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}`);
    const exportMs = performance.now() - started;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-export-delivery')).toBe('link');
    expect(answer.headers.get('x-row-count')).toBe(String(CASES));
    const { link, rows, bytes, sha256, contentType, fileName } = answer.body as {
      link: { method: string; url: string; headers: Record<string, string>; expiresAt: string };
      rows: number;
      bytes: number;
      sha256: string;
      contentType: string;
      fileName: string;
    };
    expect({ rows, contentType, fileName }).toEqual({
      rows: CASES,
      contentType: 'text/csv; charset=utf-8',
      fileName: 'cases.csv',
    });
    expect(bytes).toBeGreaterThan(INLINE_EXPORT_MAX_BYTES);
    expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe('300');
    const download = await fetch(link.url, { method: link.method, headers: link.headers });
    expect(download.status).toBe(200);
    const body = Buffer.from(await download.arrayBuffer());
    expect(body.byteLength).toBe(bytes);
    expect(createHash('sha256').update(body).digest('hex')).toBe(sha256);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const table = parse(body.subarray(3).toString('utf8')) as string[][];
    expect(table).toHaveLength(CASES + 1);
    expect(table.slice(1).map((row) => row[0])).toEqual(seeded);
    expect(table[1]?.[5]).toBe(
      '重庆市沙坪坝区小龙坎街道解放坡社区石小路0号附0号 第1栋楼顶及院坝内未经规划许可加建的彩钢板房两间及雨棚一处',
    );
    console.log(`export of ${CASES} cases (${bytes} bytes) through the object store: ${Math.round(exportMs)} ms`);
  }, 120_000);

  it('is followed by `rectify export`, which shows its progress and writes the whole file', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'rectify-export-')), 'cases.csv');
    const token = await api.auth.issue({ role: 'auditor', sub: 'auditor-cli' });
    const run = await runRectify({ RECTIFY_API_URL: api.url, RECTIFY_TOKEN: token }, [
      'export',
      '--subdistrict',
      subdistrict,
      '--out',
      out,
    ]);
    expect(run.stderr).toContain('downloading the export');
    expect(run.stderr).toContain(`written to ${out} (${CASES} rows)`);
    expect(run.code).toBe(0);
    const table = parse(readFileSync(out).subarray(3).toString('utf8')) as string[][];
    expect(table.slice(1).map((row) => row[0])).toEqual(seeded);
  }, 120_000);

  it('refuses the link to anyone once it has expired', async () => {
    const answer = await auditor.get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}&format=json`);
    expect(answer.headers.get('x-export-delivery')).toBe('link');
    const expired = new URL(answer.body.link.url);
    expired.searchParams.set('X-Amz-Date', '20261201T000000Z');
    expect((await fetch(expired)).status).toBe(403);
  }, 120_000);
});
