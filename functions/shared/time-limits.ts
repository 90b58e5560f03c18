/**
 * Every time limit that has to end inside another one, in one place: an SDK call inside its function's
 * timeout, a function inside the API Gateway integration timeout or the workflow state that invokes it,
 * the conflict retries of a task inside its function. test/infra/time-limits.test.ts checks each nesting,
 * the stack and the workflow definition are checked against these values.
 */

/** SDK clients: how long to wait for a connection and then for an answer, and how many attempts. */
export const SDK_CONNECTION_TIMEOUT_MS = 2_000;
export const SDK_REQUEST_TIMEOUT_MS = 5_000;
export const SDK_MAX_ATTEMPTS = 3;
/** The SDK's standard retry strategy: a full-jitter delay of at most base × 2^(attempt − 1), capped. */
const SDK_RETRY_BASE_DELAY_MS = 100;
const SDK_RETRY_MAX_DELAY_MS = 20_000;

/** The longest one SDK call can take before it gives up with an error the code can answer. */
export function sdkCallWorstCaseMs(maxAttempts: number = SDK_MAX_ATTEMPTS): number {
  let delays = 0;
  for (let retry = 1; retry < maxAttempts; retry += 1)
    delays += Math.min(SDK_RETRY_MAX_DELAY_MS, SDK_RETRY_BASE_DELAY_MS * 2 ** retry);
  return maxAttempts * (SDK_CONNECTION_TIMEOUT_MS + SDK_REQUEST_TIMEOUT_MS) + delays;
}

/** API Gateway ends a REST integration after 29 s and answers 504 itself. */
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29;
/**
 * An API function must outlast one SDK call that exhausts its attempts (so the handler, not the gateway,
 * answers: 503 with Retry-After instead of a bare 502), and end before the gateway gives up.
 */
export const API_FUNCTION_TIMEOUT_SECONDS = 25;

/**
 * A task step that finds the case changed under it reads it again and decides again, with exponential
 * backoff and full jitter between attempts, capped (task-kit's `withCase`).
 */
export const CONFLICT_ATTEMPTS = 24;
export const CONFLICT_BACKOFF_BASE_MS = 10;
export const CONFLICT_BACKOFF_CAP_MS = 2_000;
/** What one attempt's reads and transaction take when DynamoDB answers normally, generously. */
export const CONFLICT_ATTEMPT_WORK_MS = 500;

/** The longest sum of pauses `withCase` can take across all its attempts. */
export function conflictBackoffWorstCaseMs(): number {
  let total = 0;
  for (let attempt = 1; attempt < CONFLICT_ATTEMPTS; attempt += 1)
    total += Math.min(CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_BASE_MS * 2 ** attempt);
  return total;
}

/** A workflow task function: all its conflict retries with their work fit, with room to spare. */
export const TASK_FUNCTION_TIMEOUT_SECONDS = 50;
/** The workflow's `TimeoutSeconds` on every Lambda task state: longer than the function can run. */
export const TASK_STATE_TIMEOUT_SECONDS = 60;

/** Lambda's cold start of a task function (bundle load and init), generously. */
export const COLD_START_ALLOWANCE_SECONDS = 10;
/**
 * The callback timeout a step gives when the person's answer is already recorded and the step answers its
 * own token: the invocation, a cold start included, must get to SendTaskSuccess before it runs out; the
 * answer ends the wait at once anyway. A shorter timeout would send the case down the overdue path.
 */
export const SELF_ANSWER_TIMEOUT_SECONDS = TASK_FUNCTION_TIMEOUT_SECONDS + COLD_START_ALLOWANCE_SECONDS;

/**
 * Tasks run at most this many at once (reserved concurrency in AWS, the local engine's pool locally) where
 * they contend for one item — every notice issued takes the next number of one counter.
 */
export const CONTENDED_TASK_CONCURRENCY = 16;
