import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { reportedCaseOf } from '#app/case-intake';
import { deliverExport, INLINE_EXPORT_MAX_BYTES } from '#app/case-exports';
import { CASE_LIST_COLUMNS, csvStream } from '#app/export-formats';
import { newCaseId } from '#domain/case-history';
import { shanghaiDateOf } from '#domain/shanghai-time';
import type { ObjectStore } from '#objects/object-store';
import { STREAM_PART_BYTES, STREAM_PARTS_IN_FLIGHT } from '#objects/s3-object-store';
import type { CaseSummary } from '#store/case-store';
import { summaryOf } from '#store/case-summary';
import { seedSubmission } from '#test/fixtures/submissions';
import { freshBucket } from '../support/objects';

/**
 * A sub-district of 100,000 cases exports whole, and the export never holds itself in memory: its text
 * goes to the local S3 part by part as pages of cases are turned into CSV. What it keeps alive is measured
 * after each page (after a full garbage collection): bounded by the parts in flight plus what an answer may
 * hold, a bound in which the number of cases does not appear.
 */
const PAGE = 500;
const MB = 1024 * 1024;
// A full garbage collection on demand, so what is measured is what the export keeps alive, not garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function pageOfCases(first: number): CaseSummary[] {
  const start = Date.parse('2026-01-05T01:00:00Z');
  const page: CaseSummary[] = [];
  for (let n = first; n < first + PAGE; n += 1) {
    const at = new Date(start + n * 60_000);
    const { record } = reportedCaseOf({
      id: newCaseId(shanghaiDateOf(at), randomBytes(6)),
      at,
      actor: { sub: 'reporter-survey', role: 'reporter' },
      submission: seedSubmission({
        location: {
          subdistrict: '小龙坎街道',
          community: `第${(n % 12) + 1}社区`,
          address: `重庆市沙坪坝区小龙坎街道解放坡社区石小路${n}号附${n % 7}号 楼顶及院坝内加建彩钢板房两间`,
        },
      }),
      possibleDuplicates: [],
    });
    page.push(summaryOf(record));
  }
  return page;
}

const live = () => {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** Exports `cases` cases through the local S3, measuring what is alive after each page (after a full GC). */
async function exportMeasured(objects: ObjectStore, cases: number) {
  const baseline = live();
  let peak = 0;
  let rows = 0;
  async function* pages(): AsyncGenerator<CaseSummary[]> {
    for (let first = 0; first < cases; first += PAGE) {
      const page = pageOfCases(first);
      rows += page.length;
      yield page;
      peak = Math.max(peak, live() - baseline);
    }
  }
  const started = performance.now();
  const whole = await deliverExport(csvStream(CASE_LIST_COLUMNS, pages()), {
    objects,
    fileName: 'cases.csv',
    contentType: 'text/csv; charset=utf-8',
    rows: () => rows,
    now: new Date(),
  });
  if (whole.delivery !== 'link') throw new Error(`an export of ${cases} cases must go through the object store`);
  expect(whole.rows).toBe(cases);
  const key = new URL(whole.link.url).pathname.split('/').slice(2).map(decodeURIComponent).join('/');
  expect(await objects.digest(key)).toEqual({ size: whole.bytes, sha256: whole.sha256 });
  return { bytes: whole.bytes, peak, ms: performance.now() - started };
}

it('exports 100,000 cases through the object store, keeping alive a bound that does not depend on their number', async () => {
  const bucket = await freshBucket('export-memory');
  try {
    const whole = await exportMeasured(bucket.objects, 100_000);
    // What an answer may hold (strings of Chinese text take two bytes a character in V8), the parts being
    // uploaded and the one being filled, and one page: nothing grows with the number of cases.
    const bound = 2 * INLINE_EXPORT_MAX_BYTES + (STREAM_PARTS_IN_FLIGHT + 1) * STREAM_PART_BYTES + 8 * MB;
    const figures = (run: typeof whole, cases: number) =>
      `${cases} cases: ${(run.bytes / MB).toFixed(1)} MB of CSV in ${Math.round(run.ms)} ms, at most ${(run.peak / MB).toFixed(1)} MB alive`;
    console.log(`${figures(whole, 100_000)}; bound ${(bound / MB).toFixed(0)} MB`);
    expect(whole.peak).toBeLessThan(bound);
  } finally {
    bucket.close();
  }
}, 300_000);
