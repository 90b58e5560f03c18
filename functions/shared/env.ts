import * as z from 'zod';

/**
 * Environment variables, parsed once per Lambda entry module. Each entry picks the pieces it needs, so a
 * missing or malformed variable fails the cold start with the variable's name, not a later request.
 */
export const envPieces = {
  table: z.object({ TABLE_NAME: z.string().min(3) }),
  stateMachine: z.object({ STATE_MACHINE_ARN: z.string().min(1) }),
  /**
   * The web console's address: emails link to `<CONSOLE_URL>/cases/<id>`. The stack gives it to every
   * function that sends mail; unset, the emails name the case and the `rectify` command that opens it.
   */
  links: z.object({ CONSOLE_URL: z.url().optional() }),
  /** District overrides of the procedure's periods, JSON (see functions/domain/policy.ts). */
  policy: z.object({ POLICY_JSON: z.string().default('{}') }),
  /** Holiday calendars for years the bundled data does not cover, JSON (see china-calendar.ts). */
  calendar: z.object({ CALENDAR_JSON: z.string().default('[]') }),
};

export function parseEnv<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  return result.data;
}

/** Parses a JSON-valued environment variable with a schema, naming the variable on failure. */
export function parseJsonEnv<T extends z.ZodType>(name: string, raw: string, schema: T): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`invalid environment: ${name} is not valid JSON`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Error(
      `invalid environment: ${name}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
