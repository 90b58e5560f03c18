import {
  ENFORCEMENT_BASE_ENTRIES,
  EXTENSION_LOOP_ENTRIES,
  FAILURE_ENTRIES,
  INTAKE_BASE_ENTRIES,
  OVERDUE_ROUND_ENTRIES,
  RESUME_ENTRIES,
  SERVICE_ANSWERED_ENTRIES,
  SERVICE_ROUND_ENTRIES,
} from '#app/procedure';
import type { AslState } from '#workflow/asl';
import { caseLifecycleDefinition } from '#workflow/asl';

/**
 * The state-entry bounds of app/procedure.ts, counted again from the state graph of the ASL both engines
 * run: a state added to a path, or a new loop, changes a count here and fails the test until the bound
 * (and the 1-year / 25,000-event argument of docs/workflow.md) is revised.
 */

const STATES = caseLifecycleDefinition.States;
const FAILURE = 'Record the failure';

/** Where a state can go next: Next, Choices, Default and Catch (a callback's timeout is a Catch). */
function successors(state: AslState): string[] {
  const choices = (state.Choices as { Next: string }[] | undefined) ?? [];
  const catches = (state.Catch as { Next: string }[] | undefined) ?? [];
  return [
    ...(typeof state.Next === 'string' ? [state.Next] : []),
    ...choices.map((c) => c.Next),
    ...(typeof state.Default === 'string' ? [state.Default] : []),
    ...catches.map((c) => c.Next),
  ];
}

const edge = (from: string, to: string) => `${from} → ${to}`;

/** The edges that close a loop, each bounded by the policy or the procedure (how they are counted). */
const LOOPS = {
  /** Persuasion happens once, before the notice: counted in the intake base. */
  persuasion: edge('Wait for the persuasion result', 'Start persuasion or issue the rectification notice'),
  /** An extension granted while the inspection is awaited: back to the deadline check… */
  extension: edge('Route by the inspection result', 'Check whether the deadline was extended'),
  /** …and round the reminder and the new deadline once more (policy.extensions.maxCount times in all). */
  extensionReminder: edge('Route by whether the deadline has passed', 'Wait until the reminder is due'),
  /** An extension granted while the inspection is overdue: counted in the overdue round and the extension. */
  extensionWhileOverdue: edge(
    'Route by whether the inspection is still awaited',
    'Check whether the deadline was extended',
  ),
  /** Each service window that passes unserved (policy.serviceOverdueRounds + 1 at most), for each document. */
  noticeServiceRound: edge(
    'Route by whether the service of the notice is still awaited',
    'Wait for the notice to be served',
  ),
  decisionServiceRound: edge(
    'Route by whether the service of the decision is still awaited',
    'Wait for the enforcement decision to be served',
  ),
  /**
   * The decision's service answered by the case itself (already recorded when the step opened): back to the
   * windows check once. Recorded by an officer while the step waits, it hands the case to a fresh execution.
   */
  decisionServed: edge('Wait for the enforcement decision to be served', 'Check the announcement and appeal windows'),
  /** The deadline check finds the notice unserved only where a run enters at the check (a resume). */
  unservedAtCheck: edge('Route by whether the deadline has passed', 'Wait for the notice to be served'),
  /** Each overdue round (policy.inspectionOverdueRounds + 1 at most). */
  inspectionOverdue: edge('Route by whether the inspection is still awaited', 'Wait for the inspection result'),
  demolitionOverdue: edge(
    'Route by whether the demolition is still awaited',
    'Wait for the forced demolition to be recorded',
  ),
};

/**
 * A wait woken before its moment goes round again. It is not taken: wake times are rounded up to the whole
 * second (tasks/task-kit.ts), so a wait ends at or after the moment the task checks.
 */
const WOKEN_EARLY = [
  edge('Route by whether the deadline has passed', 'Wait until the notice deadline'),
  edge('Route by whether enforcement was decided', 'Wait until the demand period ends'),
  edge('Route by whether the demolition can go ahead', 'Wait until the announcement and appeal windows have passed'),
];

/** A callback step timed out: the overdue rounds count what follows. */
const OVERDUE_ROUND_STARTS = [
  'Record the overdue inspection',
  'Record the overdue demolition',
  'Record the overdue service of the notice',
  'Record the overdue service of the decision',
];

/**
 * The graph without the loops' closing edges and without the failure path (counted on its own); for a
 * phase's straight path, without the overdue rounds either.
 */
function forwardSuccessors(name: string, straight: boolean): string[] {
  const state = STATES[name];
  if (!state) throw new Error(`no state "${name}"`);
  const closing = new Set<string>([...Object.values(LOOPS), ...WOKEN_EARLY]);
  return [...new Set(successors(state))].filter(
    (next) => next !== FAILURE && !closing.has(edge(name, next)) && !(straight && OVERDUE_ROUND_STARTS.includes(next)),
  );
}

/** States entered on the longest path from `from` to `to` (or to any end), both counted. */
function longestPath(from: string, to?: string, straight = false, visiting: readonly string[] = []): number {
  if (visiting.includes(from)) throw new Error(`undeclared loop: ${[...visiting, from].join(' → ')}`);
  if (from === to) return 1;
  const lengths = forwardSuccessors(from, straight).map((next) => longestPath(next, to, straight, [...visiting, from]));
  const reachable = lengths.filter((n) => n > 0);
  if (to !== undefined) return reachable.length ? 1 + Math.max(...reachable) : 0;
  return 1 + Math.max(0, ...reachable);
}

/** States entered going once round the loop its closing edge `from → to` ends. */
function loopLength(closing: string): number {
  const [from, to] = closing.split(' → ') as [string, string];
  expect(successors(STATES[from] as AslState)).toContain(to);
  const length = longestPath(to, from);
  expect(length).toBeGreaterThan(0);
  return length;
}

describe('the state-entry bounds, counted from the ASL', () => {
  it('leaves no loop undeclared: without the declared closing edges the graph has no cycle', () => {
    for (const name of Object.keys(STATES)) expect(() => longestPath(name)).not.toThrow();
  });

  it('intake: the longest straight path, with persuasion once and the reminder once', () => {
    expect(caseLifecycleDefinition.StartAt).toBe('Route by phase');
    const intake = longestPath('Start persuasion or issue the rectification notice', undefined, true);
    // Route by phase, the straight path, the persuasion round (start, route, wait) before the notice, and
    // the round of the reminder and the deadline before the inspection — counted once more than a run takes
    // it when the straight path is the re-run notice step's own way to the reminder.
    expect(1 + intake + loopLength(LOOPS.persuasion) + loopLength(LOOPS.extensionReminder)).toBe(INTAKE_BASE_ENTRIES);
    // A resume entering at the deadline check with the notice unserved goes round to the service wait
    // instead of persuasion and the notice's issue.
    expect(loopLength(LOOPS.unservedAtCheck)).toBeLessThanOrEqual(loopLength(LOOPS.persuasion));
  });

  it('a service window passing unserved, for the notice and for the decision', () => {
    expect(loopLength(LOOPS.noticeServiceRound)).toBe(SERVICE_ROUND_ENTRIES);
    expect(loopLength(LOOPS.decisionServiceRound)).toBe(SERVICE_ROUND_ENTRIES);
    for (const start of ['Record the overdue service of the notice', 'Record the overdue service of the decision'])
      expect(longestPath(start)).toBeLessThanOrEqual(SERVICE_ROUND_ENTRIES);
    expect(loopLength(LOOPS.decisionServed)).toBe(SERVICE_ANSWERED_ENTRIES);
  });

  it('an extension: back to the deadline check and round the reminder once more', () => {
    expect(loopLength(LOOPS.extension) + loopLength(LOOPS.extensionReminder)).toBe(EXTENSION_LOOP_ENTRIES);
    // Granted while overdue, the loop is longer only by the overdue round's own states, which are counted.
    expect(loopLength(LOOPS.extensionWhileOverdue) + loopLength(LOOPS.extensionReminder)).toBeLessThanOrEqual(
      EXTENSION_LOOP_ENTRIES + OVERDUE_ROUND_ENTRIES,
    );
  });

  it('an overdue round, for the inspection and for the demolition', () => {
    expect(loopLength(LOOPS.inspectionOverdue)).toBe(OVERDUE_ROUND_ENTRIES);
    expect(loopLength(LOOPS.demolitionOverdue)).toBe(OVERDUE_ROUND_ENTRIES);
    // The last round leaves the step to the officers: its wait is on the straight path, the rest one round.
    for (const start of OVERDUE_ROUND_STARTS.slice(0, 2))
      expect(longestPath(start)).toBeLessThanOrEqual(OVERDUE_ROUND_ENTRIES);
  });

  it('enforcement and after-appeal: the longest straight path from the windows check', () => {
    expect(1 + longestPath('Check the announcement and appeal windows', undefined, true)).toBe(
      ENFORCEMENT_BASE_ENTRIES,
    );
  });

  it('resume: finding where the case stands and routing there', () => {
    expect(longestPath('Find where the case stands', 'Route by where the case stands')).toBe(RESUME_ENTRIES);
  });

  it('a failure: recording it, then failing', () => {
    expect(longestPath(FAILURE)).toBe(FAILURE_ENTRIES);
  });
});
