/**
 * Time as the procedure sees it. In AWS it is the real clock. On a laptop it can run accelerated, so a
 * 15-day notice deadline passes in seconds: legal time advances `factor` times faster than the wall
 * clock from an anchor, and `toEngineTime` maps a legal instant back to the wall-clock instant at which
 * the workflow engine has to wake for it.
 */
export interface Clock {
  now(): Date;
  /** The wall-clock instant at which the workflow engine should act on legal instant `legal`. */
  toEngineTime(legal: Date): Date;
  /** The wall-clock seconds (≥ 1) the engine should allow for a legal duration. */
  toEngineSeconds(legalSeconds: number): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  toEngineTime: (legal) => legal,
  toEngineSeconds: (seconds) => Math.max(1, Math.ceil(seconds)),
};

export interface AcceleratedClockAnchor {
  /** Wall-clock milliseconds at the anchor. */
  wallMs: number;
  /** Legal-time milliseconds at the anchor. */
  legalMs: number;
  /** Legal seconds that pass per wall-clock second. */
  factor: number;
}

export function acceleratedClock(anchor: AcceleratedClockAnchor, wallNow: () => number = Date.now): Clock {
  if (!(anchor.factor >= 1)) throw new RangeError(`acceleration factor must be ≥ 1: ${anchor.factor}`);
  return {
    now: () => new Date(anchor.legalMs + (wallNow() - anchor.wallMs) * anchor.factor),
    toEngineTime: (legal) => new Date(anchor.wallMs + (legal.getTime() - anchor.legalMs) / anchor.factor),
    toEngineSeconds: (seconds) => Math.max(1, Math.ceil(seconds / anchor.factor)),
  };
}

/** A clock the caller moves by hand (tests). */
export function manualClock(start: Date): Clock & { set(to: Date): void; advance(ms: number): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    toEngineTime: (legal) => legal,
    toEngineSeconds: (seconds) => Math.max(1, Math.ceil(seconds)),
    set: (to) => {
      current = to.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
