import { chinaCalendar } from '#domain/china-calendar';
import { deadlineAfter, enforcementSlot, latestOf, reminderTime } from '#domain/deadlines';
import { DEFAULT_POLICY, resolvePolicy } from '#domain/policy';
import { addMonths, endOfShanghaiDay, shanghaiDateOf } from '#domain/shanghai-time';

const calendar = chinaCalendar();
const shanghai = (local: string) => new Date(`${local}+08:00`);

describe('the China working calendar', () => {
  it('knows the published 2026 schedule and not yet 2027', () => {
    expect(calendar.hasPublishedYear(2026)).toBe(true);
    expect(calendar.hasPublishedYear(2027)).toBe(false);
  });

  it('treats National Day as holidays and the adjusted Saturday as a working day', () => {
    expect(calendar.day('2026-10-01')).toEqual({
      working: false,
      provisional: false,
      holiday: expect.stringContaining('国庆节'),
    });
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休上班
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false); // ordinary Sunday
  });

  it('counts working days across a holiday week', () => {
    expect(calendar.addWorkingDays('2026-09-30', 1)).toEqual({ date: '2026-10-08', provisional: false });
  });

  it('counts an adjusted working Saturday as a working day', () => {
    expect(calendar.addWorkingDays('2026-10-09', 1)).toEqual({ date: '2026-10-10', provisional: false });
    expect(calendar.addWorkingDays('2026-02-13', 1)).toEqual({ date: '2026-02-14', provisional: false });
  });

  it('accepts a later year from a calendar file', () => {
    const withNext = chinaCalendar([{ year: 2027, holidays: { '2027-01-01': '元旦' }, workdays: {} }]);
    expect(withNext.day('2027-01-01')).toEqual({ working: false, provisional: false, holiday: '元旦' });
    expect(withNext.day('2027-01-04').provisional).toBe(false);
  });
});

describe('deadlines in Asia/Shanghai', () => {
  it('ends a period at the end of the Shanghai day, stored in UTC', () => {
    const deadline = deadlineAfter(calendar, shanghai('2026-11-02T10:00:00'), { amount: 15, unit: 'calendar-days' });
    expect(deadline).toEqual({ date: '2026-11-17', at: '2026-11-17T15:59:59.999Z', provisional: false });
  });

  it('counts from the Shanghai date even when the UTC date differs', () => {
    // 2026-11-02 01:30 in Shanghai is still 2026-11-01 in UTC.
    const deadline = deadlineAfter(calendar, new Date('2026-11-01T17:30:00Z'), { amount: 1, unit: 'calendar-days' });
    expect(deadline.date).toBe('2026-11-03');
  });

  it('moves a calendar-day period that ends in a statutory holiday to the next working day', () => {
    const deadline = deadlineAfter(calendar, shanghai('2026-09-24T09:00:00'), { amount: 10, unit: 'calendar-days' });
    expect(deadline).toEqual({
      date: '2026-10-08',
      at: endOfShanghaiDay('2026-10-08').toISOString(),
      provisional: false,
    });
  });

  it('counts working-day periods over holidays and adjusted working days', () => {
    const deadline = deadlineAfter(calendar, shanghai('2026-09-29T09:00:00'), { amount: 3, unit: 'working-days' });
    // 09-30 (1), 10-01…10-07 holidays, 10-08 (2), 10-09 (3)
    expect(deadline.date).toBe('2026-10-09');
  });

  it('marks a deadline provisional when it falls in a year without a published calendar', () => {
    const deadline = deadlineAfter(calendar, shanghai('2026-12-28T09:00:00'), { amount: 10, unit: 'calendar-days' });
    expect(deadline).toEqual({ date: '2027-01-07', at: '2027-01-07T15:59:59.999Z', provisional: true });
  });

  it('counts months to the same day, clamped to the month end, then to a working day', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    const deadline = deadlineAfter(calendar, shanghai('2026-08-31T12:00:00'), { amount: 6, unit: 'months' });
    // 2027-02-28 is a Sunday: weekends-only fallback moves it to Monday, provisionally.
    expect(deadline).toEqual({ date: '2027-03-01', at: '2027-03-01T15:59:59.999Z', provisional: true });
  });

  it('takes the later of the 复议 and 诉讼 windows', () => {
    const decided = shanghai('2026-03-02T10:00:00');
    const reconsideration = deadlineAfter(calendar, decided, DEFAULT_POLICY.reconsiderationWindow);
    const litigation = deadlineAfter(calendar, decided, DEFAULT_POLICY.litigationWindow);
    expect(reconsideration.date).toBe('2026-05-06'); // 05-01 falls in the Labour Day holiday
    expect(litigation.date).toBe('2026-09-02');
    expect(latestOf(reconsideration, litigation)).toEqual(litigation);
  });

  it('sends the reminder at the start of office hours, three working days before the deadline', () => {
    const deadline = deadlineAfter(calendar, shanghai('2026-09-24T09:00:00'), { amount: 10, unit: 'calendar-days' });
    const reminder = reminderTime(calendar, DEFAULT_POLICY, deadline, shanghai('2026-09-24T09:00:00'));
    expect(reminder.at).toBe(shanghai('2026-09-28T09:00:00').toISOString());
  });

  it('sends a reminder that is already due now', () => {
    const now = shanghai('2026-11-16T12:00:00');
    const deadline = deadlineAfter(calendar, shanghai('2026-11-15T09:00:00'), { amount: 2, unit: 'calendar-days' });
    expect(reminderTime(calendar, DEFAULT_POLICY, deadline, now).at).toBe(now.toISOString());
  });
});

describe('scheduling forced demolition (行政强制法 §43)', () => {
  it('takes the next whole hour inside day-time hours on a working day', () => {
    expect(enforcementSlot(calendar, DEFAULT_POLICY, shanghai('2026-09-30T10:20:00')).at).toBe(
      shanghai('2026-09-30T11:00:00').toISOString(),
    );
  });

  it('never schedules at night or on a statutory holiday', () => {
    const slot = enforcementSlot(calendar, DEFAULT_POLICY, shanghai('2026-09-30T18:00:00'));
    expect(slot).toEqual({ at: shanghai('2026-10-08T09:00:00').toISOString(), date: '2026-10-08', provisional: false });
    expect(enforcementSlot(calendar, DEFAULT_POLICY, shanghai('2026-10-03T03:00:00')).date).toBe('2026-10-08');
  });

  it('schedules on an adjusted working Saturday', () => {
    expect(enforcementSlot(calendar, DEFAULT_POLICY, shanghai('2026-10-09T20:00:00')).date).toBe('2026-10-10');
  });
});

describe('policy', () => {
  it('keeps the statutory windows by default', () => {
    expect(DEFAULT_POLICY.reconsiderationWindow).toEqual({ amount: 60, unit: 'calendar-days' });
    expect(DEFAULT_POLICY.litigationWindow).toEqual({ amount: 6, unit: 'months' });
  });

  it('lets a district override one period and keeps the rest', () => {
    const policy = resolvePolicy({
      noticeDeadline: { 'resident-built': { serious: { amount: 3, unit: 'working-days' } } },
    });
    expect(policy.noticeDeadline['resident-built'].serious).toEqual({ amount: 3, unit: 'working-days' });
    expect(policy.noticeDeadline['resident-built'].minor).toEqual(
      DEFAULT_POLICY.noticeDeadline['resident-built'].minor,
    );
  });

  it('rejects an invalid override naming the field', () => {
    expect(() => resolvePolicy({ urgePeriod: { amount: -1, unit: 'calendar-days' } })).toThrow(/urgePeriod/);
    expect(() => resolvePolicy({ enforcementHours: { start: '18:00', end: '09:00' } })).toThrow(
      /start must be before end/,
    );
  });

  it('keeps Shanghai dates stable around midnight UTC', () => {
    expect(shanghaiDateOf(new Date('2026-11-28T15:59:59.999Z'))).toBe('2026-11-28');
    expect(shanghaiDateOf(new Date('2026-11-28T16:00:00.000Z'))).toBe('2026-11-29');
  });
});
