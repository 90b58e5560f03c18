/** A named check of one part the API depends on; it rejects when the part is not usable. */
export type HealthChecks = Record<string, () => Promise<void>>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  parts: Record<string, { up: boolean; detail?: string }>;
}

/** A part that does not answer within this time counts as down: health must answer quickly itself. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: () => Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
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

/** Runs every check at once; the report names each part and whether it is up. */
export async function checkHealth(checks: HealthChecks, timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check, timeoutMs);
        return [name, { up: true }] as const;
      } catch (error) {
        return [name, { up: false, detail: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  const parts = Object.fromEntries(entries);
  return { status: entries.every(([, part]) => part.up) ? 'ok' : 'unavailable', parts };
}
