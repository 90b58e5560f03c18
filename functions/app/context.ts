import type { Logger } from '@aws-lambda-powertools/logger';
import type { WorkingCalendar } from '#domain/calendar';
import type { Clock } from '#domain/clock';
import type { Policy } from '#domain/policy';
import type { CaseStore } from '#store/case-store';
import type { WorkflowEngine } from '#workflow/engine';
import type { Mailer } from '#mail/mailer';
import type { CaseFiles } from './closed-case-files';
import type { CursorKeySource } from './cursor-seal';

/** The few logging calls the services and adapters make, as Powertools' Logger declares them. */
export type AppLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export const silentLogger: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Everything the application services need, injected: AWS adapters in Lambda, local ones on a laptop.
 * Each service factory takes only the part it uses (e.g. `QueryDeps`), so a Lambda builds only that.
 */
export interface AppDeps {
  store: CaseStore;
  engine: WorkflowEngine;
  /** Legal time: deadlines, event times, "not in the future" checks. Runs accelerated on a laptop. */
  clock: Clock;
  calendar: WorkingCalendar;
  policy: Policy;
  logger?: AppLogger;
  /**
   * Wall-clock milliseconds for technical timings that must not speed up with legal time: how long an
   * idempotent request has been in flight, idempotency record expiry.
   */
  wallNow?: () => number;
  randomBytes?: (size: number) => Uint8Array;
  /**
   * The key that seals the cursors handed to clients (32 bytes), asked for when a cursor is sealed or
   * opened. Every process serving pages of one deployment needs the same key (the stack's secret in AWS;
   * DATA_DIR/auth/cursor-key locally); without one, a process-wide random key.
   */
  cursorKey?: CursorKeySource;
  /**
   * Emails the API sends itself: the appeal hold (the workflow is stopped, so no task can) and what became
   * of a case the office was told about (dismissed, extended, appeal resolved, demolished by enforcement).
   * Functions without it send nothing.
   */
  mailer?: Mailer;
}

/** What the read services (queries, exports, reports) use. */
export type QueryDeps = Pick<AppDeps, 'store' | 'clock' | 'cursorKey'>;

/** What the officers' and enforcers' actions use; the email they send only where a mailer is given. */
export type ActionDeps = Pick<AppDeps, 'store' | 'engine' | 'clock' | 'logger' | 'mailer'> & {
  /** The case files, tagged when an action closes the case (dismissal, an accepted representation, a revoked decision). */
  objects?: CaseFiles;
};

/** The district's policy and working calendar, for the services that compute deadlines. */
export type DeadlineDeps = Pick<AppDeps, 'calendar' | 'policy'>;

/** What intake (single and batch submissions) uses. */
export type IntakeDeps = Pick<AppDeps, 'store' | 'engine' | 'clock' | 'logger' | 'wallNow' | 'randomBytes'>;
