import * as z from 'zod';
import { EVIDENCE_STAGES, evidenceUploadRequestSchema } from '#domain/evidence';
import { caseIdParams, noHeaders, noQuery } from '../request-schemas';
import { defineRoute } from './define';

const presignedRequestSchema = z.object({
  method: z.enum(['PUT', 'GET']),
  url: z.string(),
  headers: z.record(z.string(), z.string()).meta({ description: 'Send these headers exactly as given.' }),
  expiresAt: z.string(),
});

export const evidenceUploadSchema = z.object({
  evidenceId: z.string(),
  upload: presignedRequestSchema,
});

export const requestEvidenceUpload = defineRoute({
  operationId: 'requestEvidenceUpload',
  method: 'post',
  path: '/cases/{id}/evidence-uploads',
  entry: 'request-evidence-upload',
  summary: 'Ask where to upload a file of evidence (presigned PUT)',
  description: `Answers an evidence id and a presigned PUT URL valid for 15 minutes, bound to the declared content type and exact size (JPEG, PNG, HEIC up to 20 MB; PDF up to 50 MB). The file goes straight to the object store; then \`POST /cases/{id}/evidence\` confirms it. Who attaches at which stage: ${EVIDENCE_STAGES.join(', ')} — the reporter at intake (and during persuasion, inspection), the officer at inspection and when recording a representation or an appeal, the enforcer at enforcement.`,
  tags: ['evidence'],
  access: { roles: ['reporter', 'officer', 'enforcer'], writes: false },
  uses: { objects: 'read-write' },
  params: caseIdParams,
  query: noQuery,
  headers: noHeaders,
  body: {
    schema: evidenceUploadRequestSchema,
    example: { fileName: '现场照片.jpg', contentType: 'image/jpeg', size: 1_843_200, stage: 'inspection' },
  },
  responses: [{ status: 201, description: 'Where and how to upload the file.', schema: evidenceUploadSchema }],
});
