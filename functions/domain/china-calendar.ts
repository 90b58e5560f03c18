import * as z from 'zod';
import chineseDays from 'chinese-days/dist/chinese-days.json';
import type { PublishedYear } from './calendar';
import { WorkingCalendar } from './calendar';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** The shape of a calendar file that adds years the bundled data does not cover. */
const publishedYearSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  holidays: z.record(isoDate, z.string().min(1)),
  workdays: z.record(isoDate, z.string().min(1)),
});
export const calendarFileSchema = z.array(publishedYearSchema);

/** Splits the bundled `chinese-days` data (holidays and adjusted working days, 2004–2026) by year. */
function bundledYears(): PublishedYear[] {
  const byYear = new Map<number, PublishedYear>();
  const yearFor = (date: string): PublishedYear => {
    const year = Number(date.slice(0, 4));
    let entry = byYear.get(year);
    if (!entry) {
      entry = { year, holidays: {}, workdays: {} };
      byYear.set(year, entry);
    }
    return entry;
  };
  for (const [date, label] of Object.entries(chineseDays.holidays)) yearFor(date).holidays[date] = label;
  for (const [date, label] of Object.entries(chineseDays.workdays)) yearFor(date).workdays[date] = label;
  return [...byYear.values()];
}

/**
 * The mainland-China working calendar: the bundled published years plus any later years supplied by
 * configuration (a later file's year replaces the bundled one).
 */
export function chinaCalendar(extraYears: readonly PublishedYear[] = []): WorkingCalendar {
  const years = new Map<number, PublishedYear>();
  for (const year of bundledYears()) years.set(year.year, year);
  for (const year of extraYears) years.set(year.year, year);
  return new WorkingCalendar([...years.values()]);
}
