import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import FileType from 'file-type';
import type * as z from 'zod';
import { evidenceRecordSchema } from '#domain/evidence';
import type { EvidenceRecord } from '#domain/evidence';
import type { ActorRef } from '#domain/schemas';
import { historyPageSchema } from '#api/request-schemas';
import { evidenceDownloadLinkSchema } from '#api/routes/download-evidence';
import { evidenceListSchema } from '#api/routes/list-evidence';
import { evidenceUploadSchema } from '#api/routes/request-evidence-upload';
import type { RectifyApi } from './api-client';
import { ApiProblem, query } from './api-client';

/**
 * The files of evidence on a case, through the API's evidence routes: the answers are parsed with the
 * routes' own schemas, and the bytes travel straight between this machine and the object store through
 * the presigned links the API hands out.
 */

type ListedFile = z.infer<typeof evidenceListSchema>['items'][number];
type EvidenceMismatch = NonNullable<z.infer<typeof historyPageSchema>['evidenceVerification']>['mismatched'][number];

/** A file as `rectify evidence list` shows it: the listing, who attached it, and what verify found. */
export interface EvidenceRow extends ListedFile {
  addedBy?: ActorRef;
  /** Absent when the files were not read back (`--no-verify`). */
  check?: { ok: true } | { ok: false; mismatch: EvidenceMismatch };
}

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const casePath = (caseId: string) => `cases/${encodeURIComponent(caseId)}`;

/**
 * The case's files, each with the person whose event recorded it (read from the history) and, with
 * `verify`, whether its stored bytes still match the SHA-256 that event records.
 */
export async function listCaseEvidence(
  api: RectifyApi,
  caseId: string,
  options: { verify: boolean },
): Promise<{ rows: EvidenceRow[]; mismatched: EvidenceMismatch[] }> {
  const files = evidenceListSchema.parse((await api.get(`${casePath(caseId)}/evidence`)).body).items;
  const actors = new Map<number, ActorRef>();
  let mismatched: EvidenceMismatch[] | undefined;
  let cursor: string | undefined;
  do {
    // The files are read back once, with the first page; the verdict covers the whole case.
    const verify = options.verify && cursor === undefined ? 'true' : undefined;
    const page = historyPageSchema.parse(
      (await api.get(`${casePath(caseId)}/history${query({ cursor, verify, limit: 200 })}`)).body,
    );
    for (const event of page.items) actors.set(event.seq, event.actor);
    if (verify) mismatched = page.evidenceVerification?.mismatched ?? [];
    cursor = page.cursor;
  } while (cursor);
  const changed = new Map((mismatched ?? []).map((m) => [m.evidenceId, m]));
  const rows = files.map((file): EvidenceRow => {
    const mismatch = changed.get(file.evidenceId);
    return {
      ...file,
      addedBy: actors.get(file.seq),
      check: mismatched === undefined ? undefined : mismatch ? { ok: false, mismatch } : { ok: true },
    };
  });
  return { rows, mismatched: mismatched ?? [] };
}

/**
 * The type an upload declares, read from the file's bytes with the library the API judges them by; the
 * API decides whether that type is accepted.
 */
async function contentTypeOf(file: string): Promise<string> {
  const found = await FileType.fromFile(file);
  // file-type names HEIC photos image/heif; the API's name for them is image/heic.
  if (found?.mime === 'image/heif') return 'image/heic';
  return found?.mime ?? 'application/octet-stream';
}

/** What an upload declared, to say which file the API refused and what it was told. */
export interface UploadDeclaration {
  file: string;
  fileName: string;
  contentType: string;
  size: number;
}

/** A file the API refused, with what was declared for it and the API's answer. */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';
  constructor(
    readonly declared: UploadDeclaration,
    readonly refusal: ApiProblem,
  ) {
    super(
      `${declared.file} was not attached (declared as ${declared.contentType}, ${declared.size} bytes, named ${declared.fileName})`,
    );
  }
}

/**
 * Attaches one file: asks for a presigned PUT, sends the bytes with the headers it was given, confirms,
 * and compares the SHA-256 the API computed from the stored object with that of the bytes sent.
 */
export async function uploadEvidenceFile(
  api: RectifyApi,
  caseId: string,
  file: string,
  stage: string,
): Promise<EvidenceRecord> {
  const declared: UploadDeclaration = {
    file,
    fileName: path.basename(file),
    contentType: await contentTypeOf(file),
    size: (await stat(file)).size,
  };
  // A 400 is about this file (its type, size, bytes); any other answer (403 for the stage, 404) is about all of them.
  const refused = (error: unknown) =>
    error instanceof ApiProblem && error.status === 400 ? new UploadRefused(declared, error) : error;
  // Asked before the file is read: a file the API will not take is never loaded.
  const asked = await api
    .post(`${casePath(caseId)}/evidence-uploads`, {
      fileName: declared.fileName,
      contentType: declared.contentType,
      size: declared.size,
      stage,
    })
    .catch((error: unknown) => Promise.reject(refused(error)));
  const { evidenceId, upload } = evidenceUploadSchema.parse(asked.body);
  const bytes = await readFile(file);
  if (bytes.byteLength !== declared.size)
    throw new Error(`${file} changed while it was being attached (${declared.size} bytes, then ${bytes.byteLength})`);
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
  if (!put.ok) throw new Error(`the object store refused the upload of ${file} (HTTP ${put.status})`);
  const confirmed = await api
    .post(`${casePath(caseId)}/evidence`, { evidenceId, fileName: declared.fileName, stage })
    .catch((error: unknown) => Promise.reject(refused(error)));
  const record = evidenceRecordSchema.parse(confirmed.body);
  const sent = sha256Of(bytes);
  if (record.sha256 !== sent)
    throw new Error(
      `${file}: the API recorded SHA-256 ${record.sha256} for ${evidenceId}, but the bytes sent hash to ${sent}; the file changed on its way`,
    );
  return record;
}

/** A downloaded file whose bytes are not the ones the case's history records. */
class DownloadMismatch extends Error {
  override readonly name = 'DownloadMismatch';
}

/**
 * Fetches a file through a fresh 60-second link and returns its bytes only if their SHA-256 is the one
 * the case's listing records for it.
 */
export async function downloadEvidenceFile(
  api: RectifyApi,
  caseId: string,
  evidenceId: string,
): Promise<{ file: ListedFile; bytes: Uint8Array }> {
  const files = evidenceListSchema.parse((await api.get(`${casePath(caseId)}/evidence`)).body).items;
  const file = files.find((f) => f.evidenceId === evidenceId);
  if (!file)
    throw new Error(`case ${caseId} has no confirmed file ${evidenceId} (rectify evidence list ${caseId} lists them)`);
  const link = evidenceDownloadLinkSchema.parse(
    (await api.get(`${casePath(caseId)}/evidence/${encodeURIComponent(evidenceId)}/download`)).body,
  );
  const response = await fetch(link.url, { method: link.method, headers: link.headers });
  if (!response.ok)
    throw new Error(
      `the download link of ${evidenceId} answered ${response.status}${response.status === 403 ? ' (it is valid 60 seconds: download again)' : ''}`,
    );
  const bytes = new Uint8Array(await response.arrayBuffer());
  const received = sha256Of(bytes);
  if (received !== file.sha256)
    throw new DownloadMismatch(
      `${evidenceId} (${file.fileName}) downloaded as ${bytes.byteLength} bytes with SHA-256 ${received}, but the case records ${file.size} bytes with SHA-256 ${file.sha256}: the stored file is not the one recorded; nothing was written`,
    );
  return { file, bytes };
}
