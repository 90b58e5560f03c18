import { createHash, randomBytes } from 'node:crypto';
import ExifReader from 'exifreader';
import FileType from 'file-type';
import { applyEvent } from '#domain/case-history';
import type {
  EvidenceConfirmation,
  EvidenceContentType,
  EvidenceRecord,
  EvidenceUploadRequest,
} from '#domain/evidence';
import { EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, evidenceRecordSchema, mayAttachAt } from '#domain/evidence';
import type { ObjectStore, PresignedRequest } from '#objects/object-store';
import { ObjectTooLargeError } from '#objects/object-store';
import { VersionConflictError } from '#store/errors';
import type { CaseStore } from '#store/case-store';
import type { Viewer } from './case-view';
import { loadVisibleCase } from './case-view';
import type { AppDeps } from './context';
import { callDependency } from './dependency-errors';
import { ActionInputError, RoleRefusedError, StaleVersionError } from './errors';
import { makeEvidenceFiles } from './evidence-files';
import { caseFilesPrefix } from '#domain/case-files';

/** What the evidence service uses: the table, the object store and legal time. */
export type EvidenceDeps = Pick<AppDeps, 'clock'> & { store: CaseStore; objects: ObjectStore };

/** An upload URL lives long enough for a large photo on a slow phone connection, and no longer. */
const UPLOAD_URL_SECONDS = 15 * 60;
/** A download URL is used at once by the browser or CLI that asked for it. */
const DOWNLOAD_URL_SECONDS = 60;
const COMMIT_ATTEMPTS = 3;

/** The object key of a case's file: per case, per file, never reused. */
const evidenceKey = (caseId: string, evidenceId: string) => `${caseFilesPrefix(caseId)}evidence/${evidenceId}`;

/** What the bytes are, by their magic numbers (the maintained `file-type` library), never by the name. */
async function sniff(bytes: Uint8Array): Promise<EvidenceContentType | undefined> {
  const found = await FileType.fromBuffer(bytes);
  // HEIC photos are ISO-BMFF files of the brands heic/heix/mif1; file-type names them image/heic.
  const mime = found?.mime === 'image/heif' ? 'image/heic' : found?.mime;
  return mime && EVIDENCE_TYPES.has(mime) ? (mime as EvidenceContentType) : undefined;
}

/** EXIF writes the camera's local time without a zone; a photo of a case in China is Beijing time. */
const CAMERA_DEFAULT_OFFSET = '+08:00';

/**
 * Capture time and GPS position from a photo's EXIF (the maintained ExifReader library), when present.
 * ExifReader rather than exifr: exifr reads a HEIC's EXIF item at the wrong place when the file's item
 * locations carry a base offset (as libheif writes them), and so found no EXIF in such photos.
 */
function photoFacts(bytes: Uint8Array): Pick<EvidenceRecord, 'capturedAt' | 'gps'> {
  try {
    const tags = ExifReader.load(Buffer.from(bytes), { expanded: true, includeUnknown: false });
    const text = (tag: { value: unknown } | undefined) => {
      const value = Array.isArray(tag?.value) ? (tag.value as unknown[])[0] : tag?.value;
      return typeof value === 'string' ? value : '';
    };
    const taken = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(
      text(tags.exif?.DateTimeOriginal) || text(tags.exif?.DateTimeDigitized),
    );
    const zone = text(tags.exif?.OffsetTimeOriginal);
    const offset = /^[+-]\d{2}:\d{2}$/.test(zone) ? zone : CAMERA_DEFAULT_OFFSET;
    const at = taken ? new Date(`${taken[1]}-${taken[2]}-${taken[3]}T${taken[4]}${offset}`) : undefined;
    const { Latitude: latitude, Longitude: longitude } = tags.gps ?? {};
    return {
      ...(at && !Number.isNaN(at.getTime()) ? { capturedAt: at.toISOString() } : {}),
      ...(typeof latitude === 'number' && typeof longitude === 'number' && Number.isFinite(latitude + longitude)
        ? { gps: { latitude: Math.round(latitude * 1e6) / 1e6, longitude: Math.round(longitude * 1e6) / 1e6 } }
        : {}),
    };
  } catch {
    // Unreadable EXIF is no reason to refuse a photo: it is recorded without capture facts.
    return {};
  }
}

function refuseStage(viewer: Viewer, stage: EvidenceConfirmation['stage']): void {
  if (!mayAttachAt(viewer.role, stage))
    throw new RoleRefusedError(`a ${viewer.role} does not attach files at the ${stage} stage`);
}

/**
 * Files attached to a case. The bytes never pass through the API: it hands out a presigned PUT, then on
 * confirmation reads the object back, checks its type from its bytes and its size, computes its SHA-256,
 * reads a photo's EXIF, and records an EVIDENCE_ADDED event carrying all of it, so the hash chain covers
 * the file. A file that fails a check is deleted and never referenced.
 */
export function makeCaseEvidence(deps: EvidenceDeps) {
  const { store, objects, clock } = deps;
  const { list, recorded } = makeEvidenceFiles(deps);

  async function requestUpload(
    viewer: Viewer,
    caseId: string,
    request: EvidenceUploadRequest,
  ): Promise<{ evidenceId: string; upload: PresignedRequest }> {
    refuseStage(viewer, request.stage);
    await loadVisibleCase(store, viewer, caseId);
    const evidenceId = `E-${randomBytes(12).toString('hex')}`;
    const upload = await callDependency('object-store', () =>
      objects.presignPut(evidenceKey(caseId, evidenceId), {
        contentType: request.contentType,
        contentLength: request.size,
        expiresInSeconds: UPLOAD_URL_SECONDS,
      }),
    );
    return { evidenceId, upload };
  }

  /** Refuses a file: it is deleted (hidden behind a delete marker in AWS) and no event names it. */
  async function refuse(key: string, message: string): Promise<never> {
    await callDependency('object-store', () => objects.delete(key));
    throw new ActionInputError('evidenceId', message);
  }

  async function confirm(viewer: Viewer, caseId: string, confirmation: EvidenceConfirmation): Promise<EvidenceRecord> {
    refuseStage(viewer, confirmation.stage);
    await loadVisibleCase(store, viewer, caseId);
    const key = evidenceKey(caseId, confirmation.evidenceId);
    const head = await callDependency('object-store', () => objects.head(key));
    if (!head) throw new ActionInputError('evidenceId', 'no file was uploaded for this evidence id');
    let bytes: Uint8Array;
    try {
      bytes = await callDependency('object-store', () => objects.getBytes(key, { maxBytes: EVIDENCE_MAX_BYTES }));
    } catch (error) {
      if (error instanceof ObjectTooLargeError)
        return refuse(key, `the file is larger than ${EVIDENCE_MAX_BYTES} bytes; it was discarded`);
      throw error;
    }
    const contentType = await sniff(bytes);
    if (!contentType)
      return refuse(key, 'the file is not a JPEG, PNG, HEIC or PDF (judged from its bytes); it was discarded');
    const type = EVIDENCE_TYPES.get(contentType);
    if (!type || bytes.byteLength > type.maxBytes)
      return refuse(
        key,
        `a ${type?.label ?? contentType} file may be at most ${type?.maxBytes} bytes; this one has ${bytes.byteLength}; it was discarded`,
      );
    const record: EvidenceRecord = evidenceRecordSchema.parse({
      evidenceId: confirmation.evidenceId,
      fileName: confirmation.fileName,
      stage: confirmation.stage,
      contentType,
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(contentType === 'application/pdf' ? {} : photoFacts(bytes)),
    });
    for (let attempt = 1; ; attempt += 1) {
      const current = await loadVisibleCase(store, viewer, caseId);
      const already = await recorded(caseId, confirmation.evidenceId);
      if (already) return already;
      const { next, event } = applyEvent(
        current,
        {
          type: 'EVIDENCE_ADDED',
          actor: { sub: viewer.sub, role: viewer.role },
          at: clock.now(),
          data: { ...record },
        },
        current.status,
      );
      try {
        await callDependency('database', () => store.commit(current, next, event));
        return record;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (attempt >= COMMIT_ATTEMPTS) throw new StaleVersionError(caseId, current.version, undefined);
      }
    }
  }

  /** A short-lived download link, for a person who may see the case. */
  async function download(viewer: Viewer, caseId: string, id: string): Promise<PresignedRequest> {
    await loadVisibleCase(store, viewer, caseId);
    const file = await recorded(caseId, id);
    if (!file) throw new ActionInputError('evidenceId', `case ${caseId} has no file ${id}`);
    return callDependency('object-store', () =>
      objects.presignGet(evidenceKey(caseId, id), { expiresInSeconds: DOWNLOAD_URL_SECONDS, fileName: file.fileName }),
    );
  }

  /** Each recorded file whose stored bytes no longer hash to what its event says (or that is gone). */
  async function verify(caseId: string): Promise<EvidenceVerdict> {
    const mismatched: EvidenceVerdict['mismatched'] = [];
    const all = await callDependency('database', () => list(caseId));
    for (const file of all) {
      const stored = await callDependency('object-store', () => objects.digest(evidenceKey(caseId, file.evidenceId)));
      if (stored?.sha256 !== file.sha256)
        mismatched.push({
          evidenceId: file.evidenceId,
          fileName: file.fileName,
          seq: file.seq,
          recordedSha256: file.sha256,
          ...(stored ? { storedSha256: stored.sha256 } : {}),
          reason: stored
            ? 'the stored file no longer matches the hash its event records'
            : 'the stored file is missing',
        });
    }
    return { ok: mismatched.length === 0, checked: all.length, mismatched };
  }

  return { requestUpload, confirm, download, verify };
}

export interface EvidenceVerdict {
  ok: boolean;
  checked: number;
  mismatched: {
    evidenceId: string;
    fileName: string;
    seq: number;
    recordedSha256: string;
    storedSha256?: string;
    reason: string;
  }[];
}
