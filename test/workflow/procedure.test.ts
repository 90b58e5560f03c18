import {
  MAX_PHASE_DAYS,
  assertPolicyFitsWorkflow,
  enforcementDecisionDeadlines,
  enforcementSchedule,
  inspectionDeadline,
  longestSpanDays,
  noticeDeadline,
  persuasionDeadline,
  phaseBounds,
  reminderFor,
  urgeDeadline,
} from '#app/procedure';
import { chinaCalendar } from '#domain/china-calendar';
import { deadlineAfter } from '#domain/deadlines';
import type { Period } from '#domain/policy';
import { DEFAULT_POLICY, resolvePolicy } from '#domain/policy';
import { addDays, daysBetween, startOfShanghaiDay } from '#domain/shanghai-time';
import { worstCaseHistoryEvents } from '#workflow/asl';

const calendar = chinaCalendar();
const shanghai = (local: string) => new Date(`${local}+08:00`);

describe('the deadlines the workflow sets (Asia/Shanghai, 2026 calendar)', () => {
  it('ends a resident-built notice that falls in the Spring Festival on the first working day after it', () => {
    // 10 days from Tuesday 2026-02-10 is 02-20, inside the 02-15…02-23 holiday.
    const { period, deadline } = noticeDeadline(
      calendar,
      DEFAULT_POLICY,
      { category: 'resident-built', severity: 'moderate' },
      shanghai('2026-02-10T10:00:00'),
    );
    expect(period).toEqual({ amount: 10, unit: 'calendar-days' });
    expect(deadline).toEqual({ date: '2026-02-24', at: '2026-02-24T15:59:59.999Z', provisional: false });
  });

  it('starts persuasion with the policy period, also pushed past a holiday', () => {
    expect(persuasionDeadline(calendar, DEFAULT_POLICY, shanghai('2026-02-12T09:00:00')).date).toBe('2026-02-24');
  });

  it('reminds three working days before the deadline, counting the Spring Festival Saturday that is a working day', () => {
    const deadline = { date: '2026-02-24', at: '2026-02-24T15:59:59.999Z', provisional: false };
    // Back from 02-24: the holiday does not count; Saturday 02-14 (调休) does, then 02-13 and 02-12.
    expect(reminderFor(calendar, DEFAULT_POLICY, deadline, shanghai('2026-02-01T09:00:00'))).toEqual({
      at: shanghai('2026-02-12T09:00').toISOString(),
      provisional: false,
    });
  });

  it('gives the inspector five working days after the deadline, across National Day and its working Saturday', () => {
    const deadline = { date: '2026-09-29', at: shanghai('2026-09-29T23:59:59.999').toISOString(), provisional: false };
    // 09-30, then 10-08, 10-09, 10-10 (Saturday, 调休) and 10-12.
    expect(inspectionDeadline(calendar, DEFAULT_POLICY, deadline).date).toBe('2026-10-12');
  });

  it('counts the announcement and both appeal windows from the decision; the litigation window is the last', () => {
    const windows = enforcementDecisionDeadlines(calendar, DEFAULT_POLICY, shanghai('2026-03-16T10:00:00'));
    // Ten working days (行政强制法 §69): 03-17…03-20, 03-23…03-27, 03-30.
    expect(windows.announcement.date).toBe('2026-03-30');
    expect(windows.reconsideration.date).toBe('2026-05-15');
    expect(windows.litigation.date).toBe('2026-09-16');
    expect(windows.earliestEnforcement).toEqual(windows.litigation);
  });

  it('counts the 催告 and 公告 periods in working days (行政强制法 §69: periods of ten days or less), across National Day', () => {
    expect(DEFAULT_POLICY.urgePeriod).toEqual({ amount: 10, unit: 'working-days' });
    expect(DEFAULT_POLICY.announcementPeriod).toEqual({ amount: 10, unit: 'working-days' });
    // From Monday 09-28: 09-29, 09-30, (10-01…10-07 holidays), 10-08, 10-09, 10-10 (调休 Saturday), 10-12…10-16.
    // Ten calendar days would have ended on 10-08, the first working day after the holiday.
    const from = shanghai('2026-09-28T10:00:00');
    expect(urgeDeadline(calendar, DEFAULT_POLICY, from).date).toBe('2026-10-16');
    expect(enforcementDecisionDeadlines(calendar, DEFAULT_POLICY, from).announcement.date).toBe('2026-10-16');
    // Still a district's choice.
    const calendarDays = resolvePolicy({ urgePeriod: { amount: 10, unit: 'calendar-days' } });
    expect(urgeDeadline(calendar, calendarDays, from).date).toBe('2026-10-08');
  });

  it('schedules forced demolition in day-time, never at night or during National Day, with the office given the notice the policy asks for', () => {
    // Decided on the eve of National Day (holidays 10-01 to 10-07): 3 working days' notice runs 10-08, 10-09, 10-10 (an adjusted working Saturday).
    const { slot, completeBy } = enforcementSchedule(calendar, DEFAULT_POLICY, shanghai('2026-09-30T18:00:00'));
    expect(DEFAULT_POLICY.enforcementNotice).toEqual({ amount: 3, unit: 'working-days' });
    expect(slot).toEqual({ at: shanghai('2026-10-10T09:00').toISOString(), date: '2026-10-10', provisional: false });
    // 30 days from 10-10 is 11-09, a Monday.
    expect(completeBy.date).toBe('2026-11-09');
    // On a Monday morning the slot is Thursday at opening, not within the hour.
    expect(enforcementSchedule(calendar, DEFAULT_POLICY, shanghai('2026-06-08T10:20:00')).slot.at).toBe(
      shanghai('2026-06-11T09:00').toISOString(),
    );
    // A district may ask for no notice: the first day-time hour, as before.
    const noNotice = resolvePolicy({ enforcementNotice: { amount: 0, unit: 'working-days' } });
    expect(enforcementSchedule(calendar, noNotice, shanghai('2026-06-08T10:20:00')).slot.at).toBe(
      shanghai('2026-06-08T11:00').toISOString(),
    );
  });

  it('marks a deadline in a year without a published holiday calendar as provisional', () => {
    const { deadline } = noticeDeadline(
      calendar,
      DEFAULT_POLICY,
      { category: 'other', severity: 'minor' },
      shanghai('2026-12-20T10:00:00'),
    );
    expect(deadline.provisional).toBe(true);
  });
});

describe('how long a period can last', () => {
  const bruteForce = (period: Period) => {
    let longest = 0;
    for (let date = '2004-01-01'; date <= '2026-06-30'; date = addDays(date, 1)) {
      longest = Math.max(longest, daysBetween(date, deadlineAfter(calendar, startOfShanghaiDay(date), period).date));
    }
    return longest;
  };

  it.each<Period>([
    { amount: 7, unit: 'calendar-days' },
    { amount: 5, unit: 'working-days' },
    { amount: 6, unit: 'months' },
  ])('agrees with counting every start date one by one: %o', (period) => {
    expect(longestSpanDays(calendar, period)).toBe(bruteForce(period));
  });

  it('knows the longest run of rest days the calendar has had (the 2020 Spring Festival, extended)', () => {
    expect(longestSpanDays(calendar, { amount: 0, unit: 'calendar-days' })).toBeGreaterThanOrEqual(9);
  });
});

describe('no execution approaches Step Functions limits (1 year, 25,000 history events)', () => {
  it('keeps every phase of the default policy well inside a year and far from the history limit', () => {
    const bounds = phaseBounds(DEFAULT_POLICY, calendar);
    for (const bound of Object.values(bounds)) {
      expect(bound.days).toBeLessThanOrEqual(MAX_PHASE_DAYS);
      expect(worstCaseHistoryEvents(bound.stateEntries)).toBeLessThan(25_000 / 10);
    }
    // The litigation window (6 months) dominates enforcement; intake is the shorter phase.
    expect(bounds.enforcement.days).toBeGreaterThan(bounds.intake.days);
    expect(() => assertPolicyFitsWorkflow(DEFAULT_POLICY, calendar)).not.toThrow();
  });

  it('refuses a policy whose windows would make enforcement outlive one execution', () => {
    const policy = resolvePolicy({ litigationWindow: { amount: 12, unit: 'months' } });
    expect(() => assertPolicyFitsWorkflow(policy, calendar)).toThrow(/enforcement \d+ days/);
  });
});
