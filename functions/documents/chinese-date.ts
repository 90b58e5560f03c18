/**
 * Dates as a Chinese document writes them, in Beijing time: `2026年12月22日`, `2026年12月22日23时59分`.
 * Assembled from the parts (the `long` month style would give "12" with a separate 月).
 */
const PARTS = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(instant: Date | string): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const parts = PARTS.formatToParts(typeof instant === 'string' ? new Date(instant) : instant);
  const value = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: value('year'),
    month: value('month'),
    day: value('day'),
    hour: value('hour'),
    minute: value('minute'),
  };
}

/** `2026年12月22日` (the Beijing date of an instant). */
export function chineseDate(instant: Date | string): string {
  const { year, month, day } = partsOf(instant);
  return `${year}年${Number(month)}月${Number(day)}日`;
}

/** `2026年12月22日23时59分` (Beijing time). */
export function chineseDateTime(instant: Date | string): string {
  const { hour, minute } = partsOf(instant);
  return `${chineseDate(instant)}${hour}时${minute}分`;
}
