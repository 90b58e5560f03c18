import type * as z from 'zod';
import type { healthSchema } from './request-schemas';

/** A named check of one part the API depends on; it rejects when the part is not usable. */
export type HealthChecks = Record<string, () => Promise<void>>;

export type HealthReport = z.infer<typeof healthSchema>;

/** A part that does not answer within this time counts as down: health must answer quickly itself. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

class HealthCheckTimeout extends Error {
  override readonly name = 'HealthCheckTimeout';
}

function withTimeout(check: () => Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HealthCheckTimeout(`no answer within ${ms} ms`)), ms);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** What a part that answered with an error is reported as; the error itself goes to the log only. */
const PART_FAILED = 'answered with an error';

/**
 * Runs every check at once; the report names each part and whether it is up. The route is public, and an
 * SDK error's message names the account, the table's ARN or the role: anyone may learn that a part is
 * down and whether it timed out, only `onFailure` (the log) gets the error.
 */
export async function checkHealth(
  checks: HealthChecks,
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
  onFailure: (part: string, error: unknown) => void = () => undefined,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check, timeoutMs);
        return [name, { up: true }] as const;
      } catch (error) {
        onFailure(name, error);
        return [
          name,
          { up: false, detail: error instanceof HealthCheckTimeout ? error.message : PART_FAILED },
        ] as const;
      }
    }),
  );
  const parts = Object.fromEntries(entries);
  return { status: entries.every(([, part]) => part.up) ? 'ok' : 'unavailable', parts };
}
