/** The part of Lambda's invocation context a scheduled sweep reads. */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
}

/**
 * How long a sweep may go on taking work: the invocation's remaining time less `marginMs`, so it ends
 * before the function is stopped (at least a second); no limit when not run by Lambda.
 */
export function sweepBudget(context: InvocationContext | undefined, marginMs: number): { budgetMs?: number } {
  const remaining = context?.getRemainingTimeInMillis?.();
  return remaining === undefined ? {} : { budgetMs: Math.max(1_000, remaining - marginMs) };
}
