import * as z from 'zod';
import { caseFilesPrefix } from './case-files';

/**
 * The procedural documents a case is served, one of each kind per case: the numbered 限期拆除通知书 and
 * the documents that follow it, numbered after it, so a case's documents are found and named from the
 * notice number alone and a re-run can never number a second one.
 */
export const DOCUMENT_KINDS = ['notice', 'demand', 'decision', 'announcement'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_TITLES: Record<DocumentKind, string> = {
  notice: '限期拆除通知书',
  demand: '催告书',
  decision: '强制执行决定书',
  announcement: '强制拆除公告',
};

/** 催告 CG, 决定 JD, 公告 GG after the notice number: `RN-2026-000123-CG`. */
const NUMBER_SUFFIXES: Record<DocumentKind, string> = {
  notice: '',
  demand: '-CG',
  decision: '-JD',
  announcement: '-GG',
};

/** The document's number: the notice's own, or the notice's with the kind's suffix. */
export function documentNumber(kind: DocumentKind, noticeNumber: string): string {
  return `${noticeNumber}${NUMBER_SUFFIXES[kind]}`;
}

/** The PDF file name a document is downloaded and attached under: `限期拆除通知书-RN-2026-000123.pdf`. */
export function documentFileName(kind: DocumentKind, number: string): string {
  return `${DOCUMENT_TITLES[kind]}-${number}.pdf`;
}

/**
 * What the event that issues a document records of it: where it is stored and its SHA-256 and size, so
 * the hash chain covers the bytes. The object key is the case's and the number's, never reused.
 */
export const issuedDocumentSchema = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  number: z.string().min(1),
  key: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(1),
});
export type IssuedDocument = z.infer<typeof issuedDocumentSchema>;

/** The object key of a case's document: per case, per kind and number. */
export function documentKey(caseId: string, kind: DocumentKind, number: string): string {
  return `${caseFilesPrefix(caseId)}documents/${kind}/${number}.pdf`;
}
