/**
 * The workflow's side of a case's documents: renders the documents an event issues, stores them after
 * the event is committed, and on a re-run stores exactly what the event recorded. Apart from
 * case-documents.ts so that only the functions that render carry the renderer and its font.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { DocumentKind, IssuedDocument } from '#domain/documents';
import { documentKey, documentNumber } from '#domain/documents';
import { periodSchema } from '#domain/policy';
import type { CaseEvent, CaseRecord } from '#domain/schemas';
import type { EventType } from '#domain/vocabulary';
import type { DocumentFacts } from '#documents/document-content';
import { documentContent } from '#documents/document-content';
import { documentFont } from '#documents/document-font';
import type { IssuingOffices } from '#documents/issuing-offices';
import { renderDocumentPdf } from '#documents/render-pdf';
import type { ObjectStore } from '#objects/object-store';
import { documentsOf } from './case-documents';

const PDF = 'application/pdf';

/** The event that issues documents, as it will be (or was) committed: its type, time and facts. */
export interface IssuingEvent {
  type: EventType;
  at: string;
  data: Record<string, unknown>;
}

/** Which documents each event issues. */
const ISSUED_BY = new Map<EventType, readonly DocumentKind[]>([
  ['NOTICE_ISSUED', ['notice']],
  ['CASE_ESCALATED', ['demand']],
  ['ENFORCEMENT_DECIDED', ['decision', 'announcement']],
]);

const deadlineAt = z.object({ at: z.string() });
const reportedData = z.object({
  submission: z.object({
    location: z.object({ subdistrict: z.string(), community: z.string(), address: z.string() }),
    structure: z.object({ areaM2: z.number(), floors: z.number().optional(), material: z.string().optional() }),
    description: z.string(),
    responsibleParty: z.object({ name: z.string(), unit: z.string().optional(), phone: z.string().optional() }),
  }),
});
const noticeData = z.object({ noticeNumber: z.string(), deadline: deadlineAt, period: periodSchema });
const escalatedData = z.object({ demand: z.object({ deadline: deadlineAt }) });
const decidedData = z.object({
  announcement: z.object({ deadline: deadlineAt }),
  earliestEnforcement: deadlineAt,
});

class DocumentFactsError extends Error {
  override readonly name = 'DocumentFactsError';
}

/** The document does not hash to what its event recorded: re-rendering after the font or renderer changed. */
class DocumentMismatchError extends Error {
  override readonly name = 'DocumentMismatchError';
}

function lastOf(events: readonly (CaseEvent | IssuingEvent)[], type: EventType): CaseEvent | IssuingEvent | undefined {
  return events.findLast((e) => e.type === type);
}

function parsed<T extends z.ZodType>(schema: T, event: CaseEvent | IssuingEvent | undefined, what: string): z.infer<T> {
  const result = schema.safeParse(event?.data);
  if (!result.success) throw new DocumentFactsError(`the case has no ${what} to state on its documents`);
  return result.data;
}

/**
 * What a document states, from the case's recorded events and the event that issues it: the party,
 * place and construction as reported; the notice's number and date; each period's end as recorded when
 * it was set. Only recorded facts, so a re-render after the fact says exactly what the first one said.
 */
function documentFactsOf(
  kind: DocumentKind,
  history: readonly CaseEvent[],
  issuing: IssuingEvent,
  caseId: string,
  issuer: DocumentFacts['issuer'],
): DocumentFacts {
  const events = [...history, issuing];
  const { submission } = parsed(reportedData, lastOf(events, 'CASE_REPORTED'), 'report');
  const noticeEvent = lastOf(events, 'NOTICE_ISSUED');
  const notice = parsed(noticeData, noticeEvent, 'notice');
  const escalation = lastOf(events, 'CASE_ESCALATED');
  const base = {
    kind,
    caseId,
    issuer,
    issuedAt: issuing.at,
    noticeNumber: notice.noticeNumber,
    noticeIssuedAt: noticeEvent?.at ?? issuing.at,
    party: submission.responsibleParty,
    location: submission.location,
    structure: submission.structure,
    description: submission.description,
  };
  switch (kind) {
    case 'notice':
      return { ...base, deadlineAt: notice.deadline.at, noticePeriod: notice.period };
    case 'demand':
      return { ...base, deadlineAt: parsed(escalatedData, escalation, 'demand period').demand.deadline.at };
    case 'decision':
    case 'announcement': {
      const decided = parsed(decidedData, lastOf(events, 'ENFORCEMENT_DECIDED'), 'enforcement decision');
      return {
        ...base,
        deadlineAt: decided.announcement.deadline.at,
        earliestEnforcementAt: decided.earliestEnforcement.at,
        ...(escalation ? { demandIssuedAt: escalation.at } : {}),
        decisionIssuedAt: issuing.at,
      };
    }
  }
}

/** A document rendered for its event: what the event records of it, and its bytes. */
export interface RenderedDocument {
  issued: IssuedDocument;
  bytes: Uint8Array;
}

/**
 * The workflow's side: renders the documents an event issues (deterministically: the issue time is the
 * event's, never the clock's), stores them after the event is committed, and on a re-run stores what
 * the event recorded — re-rendered from the recorded facts, refused if it no longer hashes the same.
 */
export function makeDocumentIssuer(deps: { objects: ObjectStore; offices: IssuingOffices }) {
  const { objects, offices } = deps;

  async function render(
    record: Pick<CaseRecord, 'id' | 'location'>,
    history: readonly CaseEvent[],
    issuing: IssuingEvent,
  ): Promise<RenderedDocument[]> {
    const kinds = ISSUED_BY.get(issuing.type) ?? [];
    const issuer = offices.officeFor(record.location.subdistrict);
    const rendered: RenderedDocument[] = [];
    for (const kind of kinds) {
      const facts = documentFactsOf(kind, history, issuing, record.id, issuer);
      const bytes = await renderDocumentPdf(documentContent(facts), {
        font: documentFont(),
        issuedAt: new Date(issuing.at),
      });
      const number = documentNumber(kind, facts.noticeNumber);
      rendered.push({
        bytes,
        issued: {
          kind,
          number,
          key: documentKey(record.id, kind, number),
          sha256: createHash('sha256').update(bytes).digest('hex'),
          size: bytes.byteLength,
        },
      });
    }
    return rendered;
  }

  async function store(documents: readonly RenderedDocument[]): Promise<void> {
    for (const { issued, bytes } of documents) await objects.putImmutable(issued.key, bytes, { contentType: PDF });
  }

  /**
   * Makes sure every document the committed event records is stored: already there with its hash, or
   * re-rendered from the recorded facts and stored — never other bytes than the event's hash.
   */
  async function ensureStored(
    record: Pick<CaseRecord, 'id' | 'location'>,
    history: readonly CaseEvent[],
    issuingEvent: CaseEvent,
  ): Promise<IssuedDocument[]> {
    const recorded = documentsOf(issuingEvent);
    const missing: IssuedDocument[] = [];
    for (const document of recorded) {
      const head = await objects.head(document.key);
      if (head?.sha256 !== document.sha256 || head.size !== document.size) missing.push(document);
    }
    if (!missing.length) return recorded;
    const before = history.filter((e) => e.seq < issuingEvent.seq);
    const rendered = await render(record, before, issuingEvent);
    for (const document of missing) {
      const again = rendered.find((r) => r.issued.key === document.key);
      if (again?.issued.sha256 !== document.sha256)
        throw new DocumentMismatchError(
          `${document.number}: rendering it again from its recorded facts gives other bytes than its event records (sha256 ${again?.issued.sha256 ?? 'none'}, recorded ${document.sha256}); the font, the renderer or the issuing office changed since it was issued`,
        );
      await objects.putImmutable(document.key, again.bytes, { contentType: PDF });
    }
    return recorded;
  }

  return { render, store, ensureStored };
}
export type DocumentIssuer = ReturnType<typeof makeDocumentIssuer>;
