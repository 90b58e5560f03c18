/**
 * A Lambda-like concurrency limit for the task functions the local engine runs in-process: an invocation
 * beyond the limit waits for a slot, inside its task's own timeout.
 */
export class TaskSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Waits for a slot; the function returned gives it back (once). */
  async take(): Promise<() => void> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiting invocation, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    };
  }
}
