import * as z from 'zod';
import type { WorkingCalendar } from '#domain/calendar';
import { calendarFileSchema, chinaCalendar } from '#domain/china-calendar';
import type { Policy } from '#domain/policy';
import { resolvePolicy } from '#domain/policy';
import { envPieces, parseEnv, parseJsonEnv } from './env';

/** What a function that computes deadlines reads at cold start: `POLICY_JSON` and `CALENDAR_JSON`. */
const deadlineRulesEnvSchema = envPieces.policy.extend(envPieces.calendar.shape);

/** The rules a deadline is computed by (domain/deadlines.ts computes them): the period policy and the calendar. */
export interface DeadlineRules {
  policy: Policy;
  calendar: WorkingCalendar;
}

/**
 * The district's policy and working calendar, from the environment the stack gives a function that
 * computes deadlines. A malformed variable fails the cold start with its name. (Whether the policy fits
 * one workflow execution is checked when the stack is synthesized: infra/config.ts.)
 */
export function deadlineRulesFromEnv(env: NodeJS.ProcessEnv = process.env): DeadlineRules {
  const settings = parseEnv(deadlineRulesEnvSchema, env);
  const overrides = parseJsonEnv('POLICY_JSON', settings.POLICY_JSON, z.record(z.string(), z.unknown()));
  let policy: Policy;
  try {
    policy = resolvePolicy(overrides);
  } catch (error) {
    throw new Error(`invalid environment: POLICY_JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const calendar = chinaCalendar(parseJsonEnv('CALENDAR_JSON', settings.CALENDAR_JSON, calendarFileSchema));
  return { policy, calendar };
}
