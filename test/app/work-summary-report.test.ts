import { applyEvent } from '#domain/case-history';
import type { CaseRecord } from '#domain/schemas';
import type { CaseStatus, EventType } from '#domain/vocabulary';
import { buildWorkSummary } from '#app/work-summary-report';
import { reportedCase } from '../fixtures/cases';
import { seedSubmission } from '../fixtures/submissions';
import { freshTable } from '../support/table';

let table: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  table = await freshTable('summary');
});
afterAll(async () => {
  await table.drop();
});

const system = { sub: 'workflow', role: 'system' as const };
const day = (d: number, hour = 2) => new Date(Date.UTC(2026, 10, d, hour));

/** Stores a case reported on `reportedDay` and walks it through `steps` (event, status, day). */
async function seed(
  subdistrict: string,
  community: string,
  reportedDay: number,
  steps: [EventType, CaseStatus, number, Partial<CaseRecord>?][],
) {
  const submission = seedSubmission({ location: { subdistrict, community, address: `${community}${reportedDay}号` } });
  const opened = reportedCase(day(reportedDay), submission);
  await table.store.intake.createCase(opened.record, opened.event);
  let record = opened.record;
  for (const [type, status, d, patch] of steps) {
    const { next, event } = applyEvent(record, { type, actor: system, at: day(d), data: {} }, status, patch);
    await table.store.commit(record, next, event);
    record = next;
  }
  return record;
}

describe('the work-summary report over the store', () => {
  beforeAll(async () => {
    // 解放坡社区: one self-demolished in 4 days, one enforced in 20 days, one still waiting and overdue.
    await seed('小龙坎街道', '解放坡社区', 2, [
      ['NOTICE_ISSUED', 'NOTICE_ISSUED', 3],
      ['INSPECTION_RECORDED', 'SELF_DEMOLISHED', 6, { areaRemovedM2: 24 }],
      ['CASE_CLOSED', 'CLOSED', 6],
    ]);
    await seed('小龙坎街道', '解放坡社区', 3, [
      ['NOTICE_ISSUED', 'NOTICE_ISSUED', 4],
      ['INSPECTION_RECORDED', 'ESCALATED', 10],
      ['ENFORCEMENT_COMPLETED', 'ENFORCED', 22, { areaRemovedM2: 30 }],
      ['CASE_CLOSED', 'CLOSED', 23],
    ]);
    await seed('小龙坎街道', '解放坡社区', 4, [
      ['NOTICE_ISSUED', 'NOTICE_ISSUED', 5, { dueAt: day(20).toISOString() }],
    ]);
    // 石小路社区: one dismissed.
    await seed('小龙坎街道', '石小路社区', 5, [['CASE_DISMISSED', 'DISMISSED', 6]]);
    // Outside the period and in another sub-district: must not be counted or read.
    await seed('小龙坎街道', '石小路社区', 28, []);
    await seed('渝碚路街道', '某社区', 5, []);
  });

  it('counts the figures of the seeded cases, by community and sub-district', async () => {
    const report = await buildWorkSummary(
      table.store,
      { from: '2026-11-01', to: '2026-11-20', subdistrict: '小龙坎街道' },
      day(29),
    );
    expect(report.casesRead).toBe(4);
    expect(report.rows.find((r) => r.community === '解放坡社区')).toEqual({
      subdistrict: '小龙坎街道',
      community: '解放坡社区',
      reported: 3,
      noticesIssued: 3,
      selfDemolished: 1,
      enforced: 1,
      dismissed: 0,
      open: 1,
      overdue: 1,
      areaRemovedM2: 54,
      medianDaysToClose: 12, // (4 + 20) / 2
    });
    expect(report.rows.find((r) => r.community === '石小路社区')).toMatchObject({ reported: 1, dismissed: 1, open: 0 });
    expect(report.total).toMatchObject({
      reported: 4,
      noticesIssued: 3,
      selfDemolished: 1,
      enforced: 1,
      dismissed: 1,
      open: 1,
      overdue: 1,
    });
  });

  it('narrows to one community and counts the period end day inclusively', async () => {
    const report = await buildWorkSummary(
      table.store,
      { from: '2026-11-05', to: '2026-11-28', subdistrict: '小龙坎街道', community: '石小路社区' },
      day(29),
    );
    expect(report.total.reported).toBe(2);
    expect(report.rows.map((r) => r.community ?? '(all)')).toEqual(['(all)', '石小路社区']);
  });

  it('covers every sub-district with cases when none is named', async () => {
    const report = await buildWorkSummary(table.store, { from: '2026-11-01', to: '2026-11-30' }, day(29));
    expect(
      report.rows
        .filter((r) => !r.community)
        .map((r) => r.subdistrict)
        .sort(),
    ).toEqual(['小龙坎街道', '渝碚路街道'].sort());
    expect(report.total.reported).toBe(6);
  });
});
