import * as z from 'zod';
import type { Role } from './vocabulary';

/**
 * Evidence: photos and PDFs attached to a case, checked from their bytes. What may be uploaded, by whom,
 * at which stage of the procedure, and how large.
 */

/** The file types accepted, each with its largest size in bytes. */
export const EVIDENCE_TYPES = new Map<string, { label: string; maxBytes: number }>([
  ['image/jpeg', { label: 'JPEG', maxBytes: 20 * 1024 * 1024 }],
  ['image/png', { label: 'PNG', maxBytes: 20 * 1024 * 1024 }],
  ['image/heic', { label: 'HEIC', maxBytes: 20 * 1024 * 1024 }],
  ['application/pdf', { label: 'PDF', maxBytes: 50 * 1024 * 1024 }],
]);
const EVIDENCE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/heic', 'application/pdf'] as const;
export type EvidenceContentType = (typeof EVIDENCE_CONTENT_TYPES)[number];
/** The largest file of any type: the most the API ever reads back into memory. */
export const EVIDENCE_MAX_BYTES = Math.max(...[...EVIDENCE_TYPES.values()].map((t) => t.maxBytes));

/**
 * When in the procedure a file is attached: the reporter's photos at intake, the officer's at inspection,
 * the enforcer's at enforcement, and the papers of a representation (陈述申辩) or an appeal, which the
 * party hands to the office and staff record.
 */
export const EVIDENCE_STAGES = ['intake', 'inspection', 'service', 'enforcement', 'representation', 'appeal'] as const;
export type EvidenceStage = (typeof EVIDENCE_STAGES)[number];

const STAGE_ROLES = new Map<EvidenceStage, readonly Role[]>([
  ['intake', ['reporter', 'officer']],
  ['inspection', ['officer', 'reporter']],
  // 送达: the photo of the signed 送达回证.
  ['service', ['officer']],
  ['enforcement', ['enforcer']],
  ['representation', ['officer']],
  ['appeal', ['officer']],
]);

/** Whether a role attaches files at a stage. */
export function mayAttachAt(role: Role, stage: EvidenceStage): boolean {
  return STAGE_ROLES.get(stage)?.includes(role) ?? false;
}

export const evidenceId = z
  .string()
  .regex(/^E-[0-9a-f]{24}$/, 'must be an evidence id like E-0123456789abcdef01234567');

const fileName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(
    (name) => !/[\\/]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
    'must be a file name without folders or control characters',
  );

export const evidenceUploadRequestSchema = z
  .strictObject({
    fileName,
    contentType: z.enum(EVIDENCE_CONTENT_TYPES, { message: `must be one of ${EVIDENCE_CONTENT_TYPES.join(', ')}` }),
    size: z.number().int('must be a whole number of bytes').min(1, 'must be at least 1 byte'),
    stage: z.enum(EVIDENCE_STAGES),
  })
  .superRefine((value, ctx) => {
    const limit = EVIDENCE_TYPES.get(value.contentType)?.maxBytes ?? 0;
    if (value.size > limit)
      ctx.addIssue({
        code: 'custom',
        path: ['size'],
        message: `must be at most ${limit} bytes (${limit / 1024 / 1024} MB) for ${value.contentType}`,
      });
  });
export type EvidenceUploadRequest = z.infer<typeof evidenceUploadRequestSchema>;

export const evidenceConfirmationSchema = z.strictObject({
  evidenceId,
  fileName,
  stage: z.enum(EVIDENCE_STAGES),
});
export type EvidenceConfirmation = z.infer<typeof evidenceConfirmationSchema>;

/** What an EVIDENCE_ADDED event records: the hash chain covers it, so the file's hash is in the chain. */
export const evidenceRecordSchema = z.strictObject({
  evidenceId,
  fileName: z.string(),
  stage: z.enum(EVIDENCE_STAGES),
  contentType: z.enum(EVIDENCE_CONTENT_TYPES),
  size: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The photo's own capture time (EXIF DateTimeOriginal, UTC), when it carries one. */
  capturedAt: z.string().optional(),
  /** The photo's GPS position (EXIF), when it carries one. */
  gps: z.strictObject({ latitude: z.number(), longitude: z.number() }).optional(),
});
export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;
