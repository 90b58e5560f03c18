import type { Lang } from './translator';

/**
 * The legal time. In AWS it is the real time; the local stack runs an accelerated clock and says in
 * its configuration where legal time stood at a wall time and how fast it runs.
 */
export interface LegalClock {
  legal: string;
  wall: number;
  factor: number;
}

let clock: LegalClock | undefined;

export function useLegalClock(value: LegalClock | undefined): void {
  clock = value;
}

export function legalNow(): number {
  if (!clock) return Date.now();
  return Date.parse(clock.legal) + (Date.now() - clock.wall) * clock.factor;
}

const zone = 'Asia/Shanghai';
const locale = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en-GB');

/** A moment in Beijing time, e.g. 2026年12月3日 18:30. */
export function formatTime(iso: string | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: zone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD, already a Shanghai date) as people write it. */
export function formatDate(date: string | undefined, lang: Lang): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** Today's date in Shanghai by the legal clock, YYYY-MM-DD. */
export function shanghaiToday(offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(legalNow() + offsetDays * 86_400_000));
}

/** Whole days and hours from the legal now until `iso`; negative when it has passed. */
export function countdown(iso: string): { overdue: boolean; days: number; hours: number } {
  const ms = Date.parse(iso) - legalNow();
  const abs = Math.abs(ms);
  return { overdue: ms < 0, days: Math.floor(abs / 86_400_000), hours: Math.floor((abs % 86_400_000) / 3_600_000) };
}
