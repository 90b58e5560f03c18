import type { IsoDate } from './shanghai-time';
import { addDays, weekdayOf, yearOf } from './shanghai-time';

/**
 * One year's official schedule as the State Council publishes it: statutory holidays and the weekend
 * days that are made working days (调休上班).
 */
export interface PublishedYear {
  year: number;
  /** date → holiday name */
  holidays: Record<IsoDate, string>;
  /** date → reason; weekend days that are working days */
  workdays: Record<IsoDate, string>;
}

export interface DayVerdict {
  working: boolean;
  /** True when the date's year has no published schedule and only weekends were considered. */
  provisional: boolean;
  holiday?: string;
}

/**
 * Working-day calendar for mainland China. Years with a published schedule answer exactly; a year
 * without one falls back to Monday–Friday and says so (`provisional`), so a deadline computed across it
 * is marked provisional instead of silently guessed.
 */
export class WorkingCalendar {
  private readonly holidays = new Map<IsoDate, string>();
  private readonly workdays = new Map<IsoDate, string>();
  private readonly years = new Set<number>();

  constructor(published: readonly PublishedYear[]) {
    for (const year of published) {
      this.years.add(year.year);
      for (const [date, name] of Object.entries(year.holidays)) this.holidays.set(date, name);
      for (const [date, name] of Object.entries(year.workdays)) this.workdays.set(date, name);
    }
  }

  publishedYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }

  hasPublishedYear(year: number): boolean {
    return this.years.has(year);
  }

  day(date: IsoDate): DayVerdict {
    const provisional = !this.years.has(yearOf(date));
    const holiday = this.holidays.get(date);
    if (holiday !== undefined) return { working: false, provisional, holiday };
    if (this.workdays.has(date)) return { working: true, provisional };
    const weekday = weekdayOf(date);
    return { working: weekday !== 0 && weekday !== 6, provisional };
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.day(date).working;
  }

  /**
   * The date `count` working days after `start` (start itself not counted), and whether any day
   * consulted lay in a year without a published schedule.
   */
  addWorkingDays(start: IsoDate, count: number): { date: IsoDate; provisional: boolean } {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`working days must be a whole number ≥ 0: ${count}`);
    let date = start;
    let provisional = false;
    let remaining = count;
    while (remaining > 0) {
      date = addDays(date, 1);
      const verdict = this.day(date);
      provisional ||= verdict.provisional;
      if (verdict.working) remaining -= 1;
    }
    return { date, provisional };
  }

  /** `date` if it is a working day, else the next working day. */
  onOrAfterWorkingDay(date: IsoDate): { date: IsoDate; provisional: boolean } {
    let current = date;
    let verdict = this.day(current);
    let provisional = verdict.provisional;
    while (!verdict.working) {
      current = addDays(current, 1);
      verdict = this.day(current);
      provisional ||= verdict.provisional;
    }
    return { date: current, provisional };
  }

  /** The working day `count` working days before `date` (used for reminders). */
  subtractWorkingDays(date: IsoDate, count: number): { date: IsoDate; provisional: boolean } {
    let current = date;
    let provisional = false;
    let remaining = count;
    while (remaining > 0) {
      current = addDays(current, -1);
      const verdict = this.day(current);
      provisional ||= verdict.provisional;
      if (verdict.working) remaining -= 1;
    }
    return { date: current, provisional };
  }
}
