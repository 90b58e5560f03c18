import type { PendingMailSweeper, SweepReport } from './mailer';

export interface SweepLoop {
  /** Runs a sweep now (or joins the one in progress) and resolves with its report. */
  runNow(): Promise<SweepReport | undefined>;
  /** Stops the loop; resolves once a sweep in progress has finished. */
  stop(): Promise<void>;
}

/**
 * The local stack's stand-in for the scheduled sweep: one sweep at start (emails a previous run left
 * pending), then one every `intervalMs`, never two at once. A failed sweep is reported and the loop goes on.
 */
export function startSweepLoop(
  sweeper: PendingMailSweeper,
  options: { intervalMs: number; onReport?: (report: SweepReport) => void; onError?: (error: unknown) => void },
): SweepLoop {
  let running: Promise<SweepReport | undefined> | undefined;
  let stopped = false;
  const sweep = (): Promise<SweepReport | undefined> => {
    if (running) return running;
    running = sweeper
      .deliverPending()
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
