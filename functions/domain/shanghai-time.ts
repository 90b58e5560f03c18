/**
 * Calendar arithmetic in Asia/Shanghai. China has observed a fixed UTC+08:00 offset without daylight
 * saving since 1991, so converting between an instant and a Shanghai calendar date is exact arithmetic.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function assertIsoDate(date: string): asserts date is IsoDate {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`not a calendar date: ${date}`);
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
}

/** The Shanghai calendar date on which an instant falls. */
export function shanghaiDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a Shanghai calendar date, as an instant. */
export function endOfShanghaiDay(date: IsoDate): Date {
  assertIsoDate(date);
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS + DAY_MS - 1);
}

/** The first millisecond of a Shanghai calendar date, as an instant. */
export function startOfShanghaiDay(date: IsoDate): Date {
  assertIsoDate(date);
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS);
}

/** A Shanghai wall-clock time (`HH:MM`) on a Shanghai date, as an instant. */
export function shanghaiTime(date: IsoDate, hhmm: string): Date {
  assertIsoDate(date);
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new RangeError(`not a time of day: ${hhmm}`);
  return new Date(Date.parse(`${date}T${hhmm}:00+08:00`));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  assertIsoDate(date);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Adds calendar months, clamping to the month's last day (6 months after 08-31 is 02-28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  assertIsoDate(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: IsoDate): number {
  assertIsoDate(date);
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Formats an instant for people: `2026-12-01 23:59 (北京时间)`. */
export function formatShanghai(instant: Date | string): string {
  const t = typeof instant === 'string' ? new Date(instant) : instant;
  const shifted = new Date(t.getTime() + OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)} (北京时间 UTC+8)`;
}
