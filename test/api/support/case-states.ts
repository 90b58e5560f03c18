import { randomBytes } from 'node:crypto';
import { applyEvent, newCaseId } from '#domain/case-history';
import type { ActionName } from '#domain/lifecycle';
import { decide } from '#domain/lifecycle';
import type { ActorRef, CaseRecord, CaseSubmission } from '#domain/schemas';
import { endOfShanghaiDay, shanghaiDateOf } from '#domain/shanghai-time';
import type { CaseStatus } from '#domain/vocabulary';
import { reportedCaseOf } from '#app/case-intake';
import type { CaseStore } from '#store/case-store';
import { seedSubmission } from '#test/fixtures/submissions';

const SYSTEM: ActorRef = { sub: 'rectify-workflow', role: 'system' };
const OFFICER: ActorRef = { sub: 'officer-seed', role: 'officer' };

function deadline(date: string) {
  return { date, at: endOfShanghaiDay(date).toISOString(), provisional: false };
}

/**
 * Puts cases into the states the workflow would bring them to, by the same lifecycle rules, so API
 * actions can be tested from every status without waiting for the workflow.
 */
export class CaseStates {
  constructor(
    private readonly store: CaseStore,
    private readonly now: () => Date,
  ) {}

  async reported(options: { reporterSub?: string; submission?: Partial<CaseSubmission> } = {}): Promise<CaseRecord> {
    const at = this.now();
    const { record, event } = reportedCaseOf({
      id: newCaseId(shanghaiDateOf(at), randomBytes(6)),
      at,
      actor: { sub: options.reporterSub ?? 'reporter-seed', role: 'reporter' },
      submission: seedSubmission(options.submission),
      possibleDuplicates: [],
    });
    await this.store.intake.createCase(record, event);
    return record;
  }

  private async step(
    record: CaseRecord,
    action: ActionName,
    actor: ActorRef,
    patch: Partial<CaseRecord> = {},
    outcome?: string,
    data: Record<string, unknown> = {},
  ): Promise<CaseRecord> {
    const decision = decide(record.status, action, actor.role, outcome);
    if (!decision.allowed) throw new Error(`${action} from ${record.status}: ${decision.reason}`);
    const { next, event } = applyEvent(
      record,
      { type: decision.event, actor, at: this.now(), data },
      decision.to,
      patch,
    );
    await this.store.commit(record, next, event);
    return next;
  }

  /** A case whose intake workflow failed at its first step: still REPORTED, flagged for a person. */
  async failedAtIntake(): Promise<CaseRecord> {
    const at = this.now().toISOString();
    return this.step(
      await this.reported(),
      'record-task-failure',
      SYSTEM,
      { attention: { reason: 'workflow step failed: States.Timeout', at } },
      undefined,
      { error: 'States.Timeout', cause: '' },
    );
  }

  /** A step of the workflow waiting for a person, with its callback token on the case. */
  private async waitFor(
    record: CaseRecord,
    kind: 'persuasion-result' | 'inspection' | 'enforcement',
    token: string,
  ): Promise<CaseRecord> {
    const now = this.now().toISOString();
    const pendingCallback = {
      token,
      kind,
      openedAt: now,
      dueAt: new Date(Date.parse(now) + 7 * 86_400_000).toISOString(),
    };
    await this.store.setPendingCallback(record, pendingCallback, now);
    return { ...record, pendingCallback, version: record.version + 1, updatedAt: now };
  }

  async inPersuasion(token: string, options: { reporterSub?: string } = {}): Promise<CaseRecord> {
    const record = await this.step(await this.reported(options), 'start-persuasion', SYSTEM, {
      dueAt: deadline('2026-12-02').at,
      deadlines: { persuasion: deadline('2026-12-02') },
    });
    return this.waitFor(record, 'persuasion-result', token);
  }

  /** A notice as the workflow issues it: not yet served (`served` records a direct service on the day of issue). */
  async noticeIssued(
    options: {
      reporterSub?: string;
      deadlineDate?: string;
      submission?: Partial<CaseSubmission>;
      issuedAt?: Date;
      served?: boolean;
    } = {},
  ): Promise<CaseRecord> {
    const issuedAt = options.issuedAt ?? this.now();
    const noticeDeadline = deadline(options.deadlineDate ?? '2026-12-07');
    // As the workflow records it: the number is in the NOTICE_ISSUED event, which the case item follows.
    const noticeNumber = `RN-2026-${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
    return this.step(
      await this.reported(options),
      'issue-notice',
      SYSTEM,
      {
        notice: {
          number: noticeNumber,
          issuedAt: issuedAt.toISOString(),
          deadline: noticeDeadline,
          ...(options.served ? { service: { method: 'direct' as const, servedOn: shanghaiDateOf(issuedAt) } } : {}),
          extensionCount: 0,
          extendedDays: 0,
        },
        deadlines: { notice: noticeDeadline },
        dueAt: noticeDeadline.at,
      },
      undefined,
      { noticeNumber, deadline: noticeDeadline },
    );
  }

  async awaitingInspection(
    token: string,
    options: { reporterSub?: string; submission?: Partial<CaseSubmission> } = {},
  ): Promise<CaseRecord> {
    const record = await this.step(await this.noticeIssued(options), 'open-inspection', SYSTEM, {
      dueAt: deadline('2026-12-14').at,
      deadlines: { notice: deadline('2026-12-07'), inspection: deadline('2026-12-14') },
    });
    return this.waitFor(record, 'inspection', token);
  }

  async escalated(): Promise<CaseRecord> {
    const record = await this.step(await this.noticeIssued(), 'open-inspection', SYSTEM);
    return this.step(record, 'record-inspection', OFFICER, { dueAt: deadline('2026-12-20').at }, 'not-demolished', {
      result: 'not-demolished',
    });
  }

  async enforcementDecided(): Promise<CaseRecord> {
    const escalated = await this.escalated();
    // The 公告, 复议 and 诉讼 windows as the decision records them; the last one ends the wait.
    const windows = {
      announcement: deadline('2026-12-31'),
      reconsideration: deadline('2027-02-08'),
      litigation: deadline('2027-06-01'),
    };
    return this.step(escalated, 'decide-enforcement', SYSTEM, {
      deadlines: { ...escalated.deadlines, ...windows },
      dueAt: windows.litigation.at,
    });
  }

  async enforcementScheduled(token: string): Promise<CaseRecord> {
    const record = await this.step(await this.enforcementDecided(), 'schedule-enforcement', SYSTEM, {
      enforcementAt: '2027-06-02T01:00:00.000Z',
      dueAt: deadline('2027-07-02').at,
    });
    return this.waitFor(record, 'enforcement', token);
  }

  async selfDemolished(): Promise<CaseRecord> {
    const record = await this.step(await this.noticeIssued(), 'open-inspection', SYSTEM);
    return this.step(record, 'record-inspection', OFFICER, {}, 'demolished', { result: 'demolished' });
  }

  async closed(): Promise<CaseRecord> {
    const demolished = await this.selfDemolished();
    return this.step(demolished, 'close', SYSTEM, { closedAt: this.now().toISOString(), dueAt: undefined });
  }

  async in(status: CaseStatus, token = `token-${status}`): Promise<CaseRecord> {
    switch (status) {
      case 'REPORTED':
        return this.reported();
      case 'PERSUASION':
        return this.inPersuasion(token);
      case 'NOTICE_ISSUED':
        return this.noticeIssued();
      case 'AWAITING_INSPECTION':
        return this.awaitingInspection(token);
      case 'ESCALATED':
        return this.escalated();
      case 'ENFORCEMENT_DECIDED':
        return this.enforcementDecided();
      case 'ENFORCEMENT_SCHEDULED':
        return this.enforcementScheduled(token);
      case 'CLOSED':
        return this.closed();
      default:
        throw new Error(`no seed path to ${status}`);
    }
  }
}
