import { evidenceConfirmationSchema, evidenceRecordSchema } from '#domain/evidence';
import { caseIdParams, noHeaders, noQuery } from '../request-schemas';
import { defineRoute } from './define';

export const confirmEvidence = defineRoute({
  operationId: 'confirmEvidence',
  method: 'post',
  path: '/cases/{id}/evidence',
  entry: 'confirm-evidence',
  summary: 'Confirm an uploaded file of evidence and record it on the case',
  description:
    "Reads the uploaded object back, checks its type from its bytes (JPEG, PNG, HEIC, PDF — not from the name) and its size, computes its SHA-256, reads a photo's capture time and GPS position from its EXIF, and records an EVIDENCE_ADDED event with all of it: the hash chain covers the file. A file of another type or over the limit answers 400 naming `evidenceId`, and is deleted; nothing is recorded. Confirming the same id again answers the same record.",
  tags: ['evidence'],
  access: { roles: ['reporter', 'officer', 'enforcer'], writes: true },
  uses: { objects: 'read-write' },
  params: caseIdParams,
  query: noQuery,
  headers: noHeaders,
  body: {
    schema: evidenceConfirmationSchema,
    example: { evidenceId: 'E-0123456789abcdef01234567', fileName: '现场照片.jpg', stage: 'inspection' },
  },
  responses: [{ status: 201, description: 'The file as recorded in the case history.', schema: evidenceRecordSchema }],
});
