import { applyEvent } from '#domain/case-history';
import type { Clock } from '#domain/clock';
import { decide } from '#domain/lifecycle';
import type { MailFailureLog } from '#mail/failure-log';
import type { CaseStore } from '#store/case-store';
import { VersionConflictError } from '#store/errors';

const MAILER_ACTOR = { sub: 'mailer', role: 'system' as const };

/**
 * Records a failed email on its case: EMAIL_FAILED in the history, the case flagged for attention, and
 * the outbox's writes, all in one version-guarded transaction.
 */
export function makeMailFailureLog(deps: {
  store: Pick<CaseStore, 'getCase' | 'commit'>;
  clock: Clock;
}): MailFailureLog {
  return {
    async record({ mail, outcome, reason }, outboxWrites) {
      const record = await deps.store.getCase(mail.caseId);
      if (!record) return 'no-case';
      const decision = decide(record.status, 'record-email-failure', MAILER_ACTOR.role);
      if (!decision.allowed) throw new Error(`cannot record an email failure: ${decision.reason}`);
      const at = deps.clock.now();
      const { next, event } = applyEvent(
        record,
        {
          type: decision.event,
          actor: MAILER_ACTOR,
          at,
          data: {
            mailId: mail.id,
            kind: mail.kind,
            occasion: mail.occasion,
            to: mail.to,
            outcome,
            error: reason.slice(0, 500),
          },
        },
        decision.to,
        { attention: { reason: `email ${mail.kind} to ${mail.to} ${outcome}`, at: at.toISOString() } },
      );
      try {
        await deps.store.commit(record, next, event, {
          attention: { reason: `email ${mail.kind} ${outcome}`, at: at.toISOString() },
          extraItems: outboxWrites(next),
        });
      } catch (error) {
        if (error instanceof VersionConflictError) return 'conflict';
        throw error;
      }
      return 'recorded';
    },
  };
}
