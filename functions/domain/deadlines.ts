import type { WorkingCalendar } from './calendar';
import type { Period, Policy } from './policy';
import type { IsoDate } from './shanghai-time';
import { addDays, addMonths, endOfShanghaiDay, shanghaiDateOf, shanghaiTime } from './shanghai-time';

/** A legal deadline: the Shanghai calendar date and the instant it ends, in UTC. */
export interface Deadline {
  /** The last day of the period, Asia/Shanghai. */
  date: IsoDate;
  /** The end of that day (23:59:59.999 Asia/Shanghai), stored as UTC ISO 8601. */
  at: string;
  /** True when part of the period fell in a year whose holiday calendar is not yet published. */
  provisional: boolean;
}

function deadlineOn(date: IsoDate, provisional: boolean): Deadline {
  return { date, at: endOfShanghaiDay(date).toISOString(), provisional };
}

/**
 * The deadline a period sets, counted from the Shanghai date of `from` (that day not counted).
 * A period in calendar days or months whose last day is not a working day ends on the next working day
 * instead (民法典 §203: a period ending on a statutory rest day ends on the day after it).
 */
export function deadlineAfter(calendar: WorkingCalendar, from: Date, period: Period): Deadline {
  const start = shanghaiDateOf(from);
  if (period.unit === 'working-days') {
    const { date, provisional } = calendar.addWorkingDays(start, period.amount);
    return deadlineOn(date, provisional);
  }
  const nominal = period.unit === 'months' ? addMonths(start, period.amount) : addDays(start, period.amount);
  const { date, provisional } = calendar.onOrAfterWorkingDay(nominal);
  return deadlineOn(date, provisional);
}

/** The later of several deadlines (e.g. the 复议 and 诉讼 windows both have to pass). */
export function latestOf(...deadlines: Deadline[]): Deadline {
  const [first, ...rest] = deadlines;
  if (!first) throw new RangeError('latestOf needs at least one deadline');
  return rest.reduce(
    (latest, d) =>
      d.at > latest.at
        ? { ...d, provisional: d.provisional || latest.provisional }
        : { ...latest, provisional: latest.provisional || d.provisional },
    first,
  );
}

/**
 * When to remind the party: the start of the working day `policy.reminderLead` before the deadline,
 * at the start of office hours; never earlier than `now`.
 */
export function reminderTime(
  calendar: WorkingCalendar,
  policy: Policy,
  deadline: Deadline,
  now: Date,
): { at: string; provisional: boolean } {
  const lead = policy.reminderLead;
  let date: IsoDate;
  let provisional = false;
  if (lead.unit === 'working-days') {
    ({ date, provisional } = calendar.subtractWorkingDays(deadline.date, lead.amount));
  } else if (lead.unit === 'months') {
    date = addMonths(deadline.date, -lead.amount);
  } else {
    date = addDays(deadline.date, -lead.amount);
  }
  const at = shanghaiTime(date, policy.enforcementHours.start);
  return { at: (at < now ? now : at).toISOString(), provisional };
}

/**
 * The first moment forced demolition may take place at or after `earliest`: a working day (never a
 * statutory holiday), within day-time hours (行政强制法 §43: not at night or on holidays).
 */
export function enforcementSlot(
  calendar: WorkingCalendar,
  policy: Policy,
  earliest: Date,
): { at: string; date: IsoDate; provisional: boolean } {
  const { start, end } = policy.enforcementHours;
  let date = shanghaiDateOf(earliest);
  let provisional = false;
  for (;;) {
    const working = calendar.onOrAfterWorkingDay(date);
    date = working.date;
    provisional ||= working.provisional;
    const opens = shanghaiTime(date, start);
    const closes = shanghaiTime(date, end);
    if (earliest <= opens) return { at: opens.toISOString(), date, provisional };
    if (earliest < closes) {
      // Already inside today's hours: take the next whole hour that still leaves the day open.
      const nextHour = new Date(Math.ceil(earliest.getTime() / 3_600_000) * 3_600_000);
      if (nextHour < closes) return { at: nextHour.toISOString(), date, provisional };
    }
    date = addDays(date, 1);
  }
}
