import * as z from 'zod';
import type { CATEGORIES, SEVERITIES } from './vocabulary';

export const periodSchema = z.object({
  amount: z.number().int().min(0).max(400),
  unit: z.enum(['calendar-days', 'working-days', 'months']),
});
export type Period = z.infer<typeof periodSchema>;

/** A period's unit as a Chinese document or email writes it after the amount: `10个工作日`, `15日`, `6个月`. */
export const PERIOD_UNITS_ZH: Record<Period['unit'], string> = {
  'calendar-days': '日',
  'working-days': '个工作日',
  months: '个月',
};

const bySeverity = z.object({ minor: periodSchema, moderate: periodSchema, serious: periodSchema });

/**
 * Every period the procedure uses. Defaults follow the statutes where they fix a period (复议 60 days,
 * 行政复议法 §20; 诉讼 6 months, 行政诉讼法 §46) and common district practice where the law leaves the
 * period to the administrative organ (the notice deadline, the 催告 and 公告 periods). Periods of ten days or
 * less under 行政强制法 count working days, not calendar days (§69), so the 催告 and 公告 defaults do.
 */
const policySchema = z
  .object({
    /** 督促自行拆除: how long the community urges a resident-built case before a notice is issued. */
    persuasion: periodSchema,
    /** 限期拆除/整改 deadline in the notice, per category and severity. */
    noticeDeadline: z.object({ 'unit-internal': bySeverity, 'resident-built': bySeverity, other: bySeverity }),
    /** How long before the notice deadline the reminder goes out. */
    reminderLead: periodSchema,
    /** After the deadline, the time an officer has to record the inspection before it is overdue. */
    inspectionWindow: periodSchema,
    /** How many overdue inspection windows pass (each escalated by email) before the case is flagged for attention. */
    inspectionOverdueRounds: z.number().int().min(1).max(10),
    /** 催告书: the period for self-performance and 陈述申辩 (行政强制法 §35–§36). */
    urgePeriod: periodSchema,
    /** 强制拆除公告: the self-demolition period announced before forced demolition (§44). */
    announcementPeriod: periodSchema,
    /**
     * 公告送达: a document served by public announcement counts as served when this period has passed since
     * the announcement (民事诉讼法 §95, as amended 2021 and unchanged by the 2023 amendment: 三十日; it was
     * 六十日 before 2022). 行政处罚法 §61 and 行政强制法 leave service to the 民事诉讼法's rules.
     */
    serviceByAnnouncement: periodSchema,
    /**
     * How long the office has to record the service of the notice or the enforcement decision: when it
     * passes unserved, the office is reminded, the case is flagged, and the workflow waits another window.
     */
    serviceWindow: periodSchema,
    /** How many service windows pass unserved (each reminded and flagged) before the workflow stops waiting. */
    serviceOverdueRounds: z.number().int().min(1).max(10),
    /** 行政复议 filing window after the enforcement decision. */
    reconsiderationWindow: periodSchema,
    /** 行政诉讼 filing window after the enforcement decision. */
    litigationWindow: periodSchema,
    /** The time the enforcement team has to carry out a scheduled demolition before it is overdue. */
    enforcementWindow: periodSchema,
    /**
     * Notice the sub-district office gets of a forced demolition: the slot is scheduled no earlier than the
     * start of office hours on the day this period ends, counted from when it is scheduled (and emailed).
     */
    enforcementNotice: periodSchema,
    /** Day-time hours in Asia/Shanghai when forced demolition may be scheduled (§43: not at night). */
    enforcementHours: z
      .object({ start: z.string().regex(/^\d{2}:\d{2}$/), end: z.string().regex(/^\d{2}:\d{2}$/) })
      .refine((h) => h.start < h.end, { message: 'start must be before end' }),
    extensions: z.object({
      maxCount: z.number().int().min(0).max(5),
      maxTotalDays: z.number().int().min(0).max(120),
    }),
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;

const days = (amount: number): Period => ({ amount, unit: 'calendar-days' });
const workingDays = (amount: number): Period => ({ amount, unit: 'working-days' });

export const DEFAULT_POLICY: Policy = {
  persuasion: days(7),
  noticeDeadline: {
    'unit-internal': { minor: days(30), moderate: days(15), serious: days(7) },
    'resident-built': { minor: days(15), moderate: days(10), serious: days(5) },
    other: { minor: days(30), moderate: days(15), serious: days(7) },
  },
  reminderLead: workingDays(3),
  inspectionWindow: workingDays(5),
  inspectionOverdueRounds: 3,
  urgePeriod: workingDays(10),
  announcementPeriod: workingDays(10),
  serviceByAnnouncement: days(30),
  serviceWindow: workingDays(5),
  serviceOverdueRounds: 3,
  reconsiderationWindow: days(60),
  litigationWindow: { amount: 6, unit: 'months' },
  enforcementWindow: days(30),
  enforcementNotice: workingDays(3),
  enforcementHours: { start: '09:00', end: '17:00' },
  extensions: { maxCount: 2, maxTotalDays: 60 },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type PolicyOverrides = DeepPartial<Policy>;

function merge<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (typeof base !== 'object' || base === null || typeof override !== 'object' || override === null) {
    return override as T;
  }
  // Keys come from configuration: only the defaults' own entries merge, and `__proto__` stays a plain
  // key (refused by the schema) instead of replacing the result's prototype.
  const result: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, base);
  for (const [key, value] of Object.entries(override)) {
    result[key] = merge(Object.hasOwn(base, key) ? (base as Record<string, unknown>)[key] : undefined, value);
  }
  return { ...result } as T;
}

/** The statutory defaults with a district's overrides applied, validated as a whole. */
export function resolvePolicy(overrides: unknown = {}): Policy {
  return policySchema.parse(merge(DEFAULT_POLICY, overrides));
}

export function noticePeriodFor(
  policy: Policy,
  category: (typeof CATEGORIES)[number],
  severity: (typeof SEVERITIES)[number],
): Period {
  return policy.noticeDeadline[category][severity];
}
