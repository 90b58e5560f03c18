import type { SummaryCase } from '#domain/work-summary';
import { workSummary } from '#domain/work-summary';

const now = new Date('2026-12-01T00:00:00Z');
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 2)).toISOString();

function kase(
  community: string,
  status: SummaryCase['status'],
  milestones: SummaryCase['milestones'],
  extra: Partial<SummaryCase> = {},
): SummaryCase {
  return {
    status,
    location: { subdistrict: '小龙坎街道', community },
    reportedAt: at(1),
    milestones: { REPORTED: at(1), ...milestones },
    areaM2: 10,
    ...extra,
  };
}

describe('the work summary', () => {
  const cases: SummaryCase[] = [
    kase(
      '解放坡社区',
      'CLOSED',
      { NOTICE_ISSUED: at(2), SELF_DEMOLISHED: at(5), CLOSED: at(5) },
      { areaRemovedM2: 24 },
    ),
    kase(
      '解放坡社区',
      'CLOSED',
      { NOTICE_ISSUED: at(2), ESCALATED: at(10), ENFORCED: at(20), CLOSED: at(21) },
      { areaM2: 120 },
    ),
    kase('解放坡社区', 'NOTICE_ISSUED', { NOTICE_ISSUED: at(3) }, { dueAt: at(25) }),
    kase('石小路社区', 'NOTICE_ISSUED', { NOTICE_ISSUED: at(3) }, { dueAt: '2026-12-20T15:59:59.999Z' }),
    kase('石小路社区', 'DISMISSED', { DISMISSED: at(4) }),
  ];

  it('counts each figure per community, per sub-district and in total', () => {
    const { rows, total } = workSummary(cases, now);
    expect(rows.map((r) => [r.community ?? '(all)', r.reported])).toEqual([
      ['(all)', 5],
      ['解放坡社区', 3], // pinyin order: jiě before shí
      ['石小路社区', 2],
    ]);
    expect(rows.find((r) => r.community === '解放坡社区')).toEqual({
      subdistrict: '小龙坎街道',
      community: '解放坡社区',
      reported: 3,
      noticesIssued: 3,
      selfDemolished: 1,
      enforced: 1,
      dismissed: 0,
      open: 1,
      overdue: 1,
      areaRemovedM2: 144,
      medianDaysToClose: 12,
    });
    expect(total).toMatchObject({
      reported: 5,
      noticesIssued: 4,
      dismissed: 1,
      open: 2,
      overdue: 1,
      medianDaysToClose: 12,
    });
  });

  it('has no median when nothing closed', () => {
    expect(workSummary([cases[2]!], now).total.medianDaysToClose).toBeNull();
  });
});
