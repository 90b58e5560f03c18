export interface SweepLoop<R> {
  /** Runs a sweep now (or joins the one in progress) and resolves with its report. */
  runNow(): Promise<R | undefined>;
  /** Stops the loop; resolves once a sweep in progress has finished. */
  stop(): Promise<void>;
}

/**
 * The local stack's stand-in for a scheduled Lambda (the mail outbox sweep, the intake check): one sweep
 * at start (what a previous run left behind), then one every `intervalMs`, never two at once. A failed
 * sweep is reported and the loop goes on.
 */
export function startSweepLoop<R>(
  sweepOnce: () => Promise<R>,
  options: { intervalMs: number; onReport?: (report: R) => void; onError?: (error: unknown) => void },
): SweepLoop<R> {
  let running: Promise<R | undefined> | undefined;
  let stopped = false;
  const sweep = (): Promise<R | undefined> => {
    if (running) return running;
    running = sweepOnce()
      .then(
        (report) => {
          options.onReport?.(report);
          return report;
        },
        (error: unknown) => {
          options.onError?.(error);
          return undefined;
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void sweep();
  }, options.intervalMs);
  timer.unref();
  void sweep();
  return {
    runNow: sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
