import { toCaseView } from '#app/case-view';
import type { CaseRecord } from '#domain/schemas';
import type { ApiResult } from '../http';

/** A case as the API answers it, with its version as the ETag. */
export function caseResult(record: CaseRecord, statusCode = 200, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, body: toCaseView(record), headers: { etag: `"${record.version}"`, ...headers } };
}
