/**
 * The case's procedural documents as files: rendered when the workflow issues them (document-issuer.ts),
 * stored immutably in the object store, their key, SHA-256 and size recorded in the event that issues
 * them (so the hash chain covers the bytes), listed with their service state, downloaded through
 * short-lived links, and hashed again by `verify`.
 */
import * as z from 'zod';
import type { DocumentKind, IssuedDocument } from '#domain/documents';
import { DOCUMENT_TITLES, documentFileName, issuedDocumentSchema } from '#domain/documents';
import type { CaseEvent, CaseRecord, ServiceRecord } from '#domain/schemas';
import type { ObjectStore, PresignedRequest } from '#objects/object-store';
import type { CaseStore } from '#store/case-store';
import type { Viewer } from './case-view';
import { loadVisibleCase } from './case-view';
import { callDependency } from './dependency-errors';
import { DocumentNotFoundError } from './errors';

const PDF = 'application/pdf';
/** A download URL is used at once by the browser or CLI that asked for it. */
const DOWNLOAD_URL_SECONDS = 60;

/** What an email that announces documents attaches: the stored objects, by reference. */
export function attachmentsOf(documents: readonly IssuedDocument[]) {
  return documents.map((d) => ({
    key: d.key,
    fileName: documentFileName(d.kind, d.number),
    contentType: PDF,
    sha256: d.sha256,
    size: d.size,
  }));
}

/** The documents an event records. */
export function documentsOf(event: Pick<CaseEvent, 'data'>): IssuedDocument[] {
  const result = z.array(issuedDocumentSchema).safeParse(event.data.documents);
  return result.success ? result.data : [];
}

const serviceStates = ['served', 'unserved', 'not-recorded'] as const;

export const caseDocumentSchema = issuedDocumentSchema.omit({ key: true }).extend({
  title: z.string(),
  fileName: z.string(),
  issuedAt: z.string(),
  /** The event that issued it (its hash covers the document's). */
  seq: z.number().int(),
  service: z.object({
    state: z.enum(serviceStates).meta({
      description:
        '`served`: an officer recorded its service (送达); `unserved`: issued, service not yet recorded; `not-recorded`: a document whose service Rectify does not record (the 催告书).',
    }),
    method: z.string().optional(),
    servedOn: z.string().optional(),
    effectiveOn: z.string().optional(),
  }),
});
export type CaseDocument = z.infer<typeof caseDocumentSchema>;

function serviceOf(record: CaseRecord, kind: DocumentKind): CaseDocument['service'] {
  let service: ServiceRecord | undefined;
  if (kind === 'notice') service = record.notice?.service;
  else if (kind === 'decision' || kind === 'announcement') service = record.decisionService;
  else return { state: 'not-recorded' };
  if (!service) return { state: 'unserved' };
  return {
    state: 'served',
    method: service.method,
    servedOn: service.servedOn,
    ...(service.effectiveOn ? { effectiveOn: service.effectiveOn } : {}),
  };
}

/** Every document recorded on a case, with its event. */
async function recordedDocuments(store: CaseStore, caseId: string) {
  const documents: (IssuedDocument & { issuedAt: string; seq: number })[] = [];
  for await (const event of store.allEvents(caseId)) {
    for (const document of documentsOf(event)) documents.push({ ...document, issuedAt: event.at, seq: event.seq });
  }
  return documents;
}

/** The documents of a case as people see them: the list needs only the table. */
export function makeCaseDocumentList(deps: { store: CaseStore }) {
  return async (viewer: Viewer, caseId: string): Promise<CaseDocument[]> => {
    const record = await loadVisibleCase(deps.store, viewer, caseId);
    const documents = await callDependency('database', () => recordedDocuments(deps.store, caseId));
    return documents.map(({ key: _key, ...document }) => ({
      ...document,
      title: DOCUMENT_TITLES[document.kind],
      fileName: documentFileName(document.kind, document.number),
      service: serviceOf(record, document.kind),
    }));
  };
}

export interface DocumentVerdict {
  ok: boolean;
  checked: number;
  mismatched: {
    number: string;
    kind: DocumentKind;
    seq: number;
    recordedSha256: string;
    storedSha256?: string;
    reason: string;
  }[];
}

/** Downloads and `verify`: what reads the stored bytes. */
export function makeCaseDocumentFiles(deps: { store: CaseStore; objects: ObjectStore }) {
  const { store, objects } = deps;

  async function download(viewer: Viewer, caseId: string, number: string): Promise<PresignedRequest> {
    await loadVisibleCase(store, viewer, caseId);
    const documents = await callDependency('database', () => recordedDocuments(store, caseId));
    const document = documents.find((d) => d.number === number);
    if (!document) throw new DocumentNotFoundError(caseId, number);
    return callDependency('object-store', () =>
      objects.presignGet(document.key, {
        expiresInSeconds: DOWNLOAD_URL_SECONDS,
        fileName: documentFileName(document.kind, document.number),
      }),
    );
  }

  /** Each recorded document whose stored bytes no longer hash to what its event says (or that is gone). */
  async function verify(caseId: string): Promise<DocumentVerdict> {
    const documents = await callDependency('database', () => recordedDocuments(store, caseId));
    const mismatched: DocumentVerdict['mismatched'] = [];
    for (const document of documents) {
      const stored = await callDependency('object-store', () => objects.digest(document.key));
      if (stored?.sha256 !== document.sha256)
        mismatched.push({
          number: document.number,
          kind: document.kind,
          seq: document.seq,
          recordedSha256: document.sha256,
          ...(stored ? { storedSha256: stored.sha256 } : {}),
          reason: stored
            ? 'the stored document no longer matches the hash its event records'
            : 'the stored document is missing',
        });
    }
    return { ok: mismatched.length === 0, checked: documents.length, mismatched };
  }

  return { download, verify };
}
