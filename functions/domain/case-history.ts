import { seal } from './chain';
import type { CaseEvent, CaseRecord, ActorRef } from './schemas';
import type { CaseStatus, EventType } from './vocabulary';
import { GENESIS_HASH } from './chain';

export interface EventDraft {
  type: EventType;
  actor: ActorRef;
  at: Date;
  data: Record<string, unknown>;
}

/**
 * Applies one event to a case: the next state of the case item and the sealed event that explains it.
 * The case's version, sequence and chain head move together, so storing both in one transaction keeps
 * the case and its history consistent.
 */
export function applyEvent(
  current: CaseRecord,
  draft: EventDraft,
  to: CaseStatus,
  patch: Partial<Omit<CaseRecord, 'id' | 'version' | 'lastSeq' | 'lastHash' | 'status' | 'milestones'>> = {},
): { next: CaseRecord; event: CaseEvent } {
  const event = seal(
    {
      caseId: current.id,
      seq: current.lastSeq + 1,
      type: draft.type,
      at: draft.at.toISOString(),
      actor: draft.actor,
      status: to,
      data: draft.data,
    },
    current.lastHash,
  );
  const milestones =
    to !== current.status && !current.milestones[to] ? { ...current.milestones, [to]: event.at } : current.milestones;
  const next: CaseRecord = {
    ...current,
    ...patch,
    milestones,
    status: to,
    version: current.version + 1,
    updatedAt: draft.at.toISOString(),
    lastSeq: event.seq,
    lastHash: event.hash,
  };
  return { next, event };
}

/** The first event of a case, and the case item it produces. */
export function openCase(
  base: Omit<CaseRecord, 'version' | 'lastSeq' | 'lastHash' | 'status' | 'updatedAt' | 'milestones'>,
  draft: EventDraft,
): { record: CaseRecord; event: CaseEvent } {
  const event = seal(
    {
      caseId: base.id,
      seq: 1,
      type: draft.type,
      at: draft.at.toISOString(),
      actor: draft.actor,
      status: 'REPORTED' as const,
      data: draft.data,
    },
    GENESIS_HASH,
  );
  const record: CaseRecord = {
    ...base,
    status: 'REPORTED',
    milestones: { REPORTED: event.at },
    version: 1,
    updatedAt: draft.at.toISOString(),
    lastSeq: 1,
    lastHash: event.hash,
  };
  return { record, event };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A case id people can read out: the Shanghai report date and six random Crockford base32 characters. */
export function newCaseId(shanghaiDate: string, randomBytes: Uint8Array): string {
  if (randomBytes.length < 6) throw new RangeError('need 6 random bytes');
  let suffix = '';
  for (let i = 0; i < 6; i += 1) suffix += CROCKFORD[(randomBytes[i] ?? 0) % 32];
  return `C-${shanghaiDate.replaceAll('-', '')}-${suffix}`;
}

/** The notice number as printed on the 限期拆除通知书. */
export function formatNoticeNumber(year: number, sequence: number): string {
  return `RN-${year}-${String(sequence).padStart(6, '0')}`;
}
