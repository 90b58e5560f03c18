import type { CaseRecord } from '#domain/schemas';
import type { OutboxMail } from '#store/outbox';
import type { LabelledWrite } from '#store/transaction';

/** An email the outbox gave up on: refused for good, or its outcome unknown and not to be sent again. */
interface MailFailure {
  mail: Pick<OutboxMail, 'id' | 'caseId' | 'kind' | 'occasion' | 'to'>;
  outcome: 'refused' | 'unconfirmed';
  reason: string;
}

/**
 * `recorded`: the failure is on its case, with the outbox's writes. `no-case`: the email's case does not
 * exist, nothing was written. `conflict`: the case or the email changed meanwhile, nothing was written.
 */
type FailureRecording = 'recorded' | 'no-case' | 'conflict';

/**
 * The port through which the outbox tells a case that one of its emails failed. The application records
 * it on the case (its history and attention flag) in one transaction with the outbox's own writes —
 * settling the email, queuing the alerts — built for the case as it stands after the record, so none of
 * it happens twice or half.
 */
export interface MailFailureLog {
  record(failure: MailFailure, outboxWrites: (caseAfter: CaseRecord) => LabelledWrite[]): Promise<FailureRecording>;
}
