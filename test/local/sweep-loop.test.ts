import type { PendingMailSweeper, SweepReport } from '#mail/mailer';
import { startSweepLoop } from '#local/sweep-loop';

const REPORT: SweepReport = { sent: 1, pending: 0, failed: 0, unconfirmed: 0 };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sweeper that records how many sweeps overlap and fails when told to. */
function fakeSweeper(sweepMs: number) {
  let active = 0;
  const state = { calls: 0, maxOverlap: 0, failNext: false };
  const sweeper: PendingMailSweeper = {
    async deliverPending() {
      state.calls += 1;
      active += 1;
      state.maxOverlap = Math.max(state.maxOverlap, active);
      await pause(sweepMs);
      active -= 1;
      if (state.failNext) {
        state.failNext = false;
        throw new Error('table unavailable');
      }
      return REPORT;
    },
  };
  return { sweeper, state, active: () => active };
}

describe('the local sweep loop', () => {
  it('sweeps at once, then periodically, never two at a time, and survives a failed sweep', async () => {
    const fake = fakeSweeper(30);
    fake.state.failNext = true;
    const reports: SweepReport[] = [];
    const errors: unknown[] = [];
    const loop = startSweepLoop(() => fake.sweeper.deliverPending(), {
      intervalMs: 10,
      onReport: (r) => reports.push(r),
      onError: (e) => errors.push(e),
    });
    expect(fake.state.calls).toBe(1);
    await pause(200);
    await loop.stop();
    expect(errors).toHaveLength(1);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(fake.state.maxOverlap).toBe(1);
    expect(fake.active()).toBe(0);
    const callsAtStop = fake.state.calls;
    await pause(50);
    expect(fake.state.calls).toBe(callsAtStop);
  });

  it('runNow joins a sweep in progress instead of starting a second one', async () => {
    const fake = fakeSweeper(40);
    const loop = startSweepLoop(() => fake.sweeper.deliverPending(), { intervalMs: 10_000 });
    const [a, b] = await Promise.all([loop.runNow(), loop.runNow()]);
    expect([a, b]).toEqual([REPORT, REPORT]);
    expect(fake.state.calls).toBe(1);
    expect(await loop.runNow()).toEqual(REPORT);
    expect(fake.state.calls).toBe(2);
    await loop.stop();
  });
});
