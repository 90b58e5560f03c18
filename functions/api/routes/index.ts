import type { AnyRoute } from './define';
import { createCase } from './create-case';
import { createCaseBatch } from './create-case-batch';
import { getCase } from './get-case';
import { listCases } from './list-cases';
import { getCaseHistory } from './get-case-history';
import { getCaseEmails } from './get-case-emails';
import { recordInspection } from './record-inspection';
import { grantExtension } from './grant-extension';
import { recordService } from './record-service';
import { recordRepresentation } from './record-representation';
import { recordAppeal } from './record-appeal';
import { recordEnforcement } from './record-enforcement';
import { dismissCase } from './dismiss-case';
import { resumeCase } from './resume-case';
import { exportCases } from './export-cases';
import { exportCaseHistory } from './export-case-history';
import { getSummaryReport } from './get-summary-report';
import { getOpenApi } from './get-openapi';
import { getHealth } from './health';
import { requestEvidenceUpload } from './request-evidence-upload';
import { confirmEvidence } from './confirm-evidence';
import { listEvidence } from './list-evidence';
import { downloadEvidence } from './download-evidence';
import { writeDigest } from './write-digest';
import { verifyDigests } from './verify-digests';
import { getDigestPublicKey } from './get-digest-public-key';
import { listDocuments } from './list-documents';
import { downloadDocument } from './download-document';

export type { AnyRoute, RouteSpec } from './define';
export { needsOfRoute } from './define';
export {
  createCase,
  createCaseBatch,
  getCase,
  listCases,
  getCaseHistory,
  getCaseEmails,
  recordInspection,
  grantExtension,
  recordService,
  recordRepresentation,
  recordAppeal,
  recordEnforcement,
  dismissCase,
  resumeCase,
  exportCases,
  exportCaseHistory,
  getSummaryReport,
  getOpenApi,
  getHealth,
  requestEvidenceUpload,
  confirmEvidence,
  listEvidence,
  downloadEvidence,
  writeDigest,
  verifyDigests,
  getDigestPublicKey,
  listDocuments,
  downloadDocument,
};

/**
 * The route table: the local server routes with it, the OpenAPI document is generated from it and the
 * CDK stack makes one API Gateway method and one Lambda per route, with the role and environment its
 * `uses` declares (infra/manifest.ts). A new route is a file beside this one, one more entry here, an
 * operation in functions/api/operations and a tiny handler file, which imports its route's own file so
 * that its bundle carries no other route.
 */
export const ROUTES = [
  createCase,
  createCaseBatch,
  listCases,
  getCase,
  getCaseHistory,
  getCaseEmails,
  recordInspection,
  grantExtension,
  recordService,
  recordRepresentation,
  recordAppeal,
  recordEnforcement,
  dismissCase,
  resumeCase,
  exportCases,
  exportCaseHistory,
  getSummaryReport,
  getOpenApi,
  getHealth,
  requestEvidenceUpload,
  confirmEvidence,
  listEvidence,
  downloadEvidence,
  writeDigest,
  verifyDigests,
  getDigestPublicKey,
  listDocuments,
  downloadDocument,
] as const satisfies readonly AnyRoute[];
