import Table from 'cli-table3';
import { EVIDENCE_TYPES } from '#domain/evidence';
import { formatShanghai, shanghaiDateOf } from '#domain/shanghai-time';
import type { ApiProblem } from './api-client';
import { readableUrl } from './api-client';
import type { EvidenceRow } from './evidence';

/**
 * What the command line prints for people: plain tables (columns of aligned text, as `kubectl get`
 * prints them, Chinese counted two columns wide) and problems in words.
 */

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

/** A header line and one line per row; an empty list says so instead of printing a bare header. */
export function table<T>(columns: readonly Column<T>[], rows: readonly T[], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const out = new Table({
    head: columns.map((c) => c.header),
    chars: BORDERLESS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) out.push(columns.map((c) => String(c.value(row) ?? '')));
  return `${out
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** The fields of a case list item the tables show. */
export interface ListedCase {
  id: string;
  status: string;
  category?: string;
  location: { subdistrict: string; community: string; address: string };
  reportedAt: string;
  dueAt?: string;
  noticeNumber?: string;
  attention?: { reason: string; at: string };
}

const shanghaiMinute = (iso: string | undefined) => (iso ? formatShanghai(iso).slice(0, 16) : '');

export const CASE_COLUMNS: Column<ListedCase>[] = [
  { header: 'CASE', value: (c) => c.id },
  { header: 'STATUS', value: (c) => c.status },
  { header: 'COMMUNITY', value: (c) => c.location.community },
  { header: 'ADDRESS', value: (c) => c.location.address },
  { header: 'REPORTED', value: (c) => shanghaiDateOf(new Date(c.reportedAt)) },
  { header: 'NOTICE', value: (c) => c.noticeNumber },
  { header: 'DUE (BEIJING)', value: (c) => shanghaiMinute(c.dueAt) },
  { header: 'ATTENTION', value: (c) => (c.attention ? '!' : '') },
];

export const ATTENTION_COLUMNS: Column<ListedCase>[] = [
  { header: 'CASE', value: (c) => c.id },
  { header: 'STATUS', value: (c) => c.status },
  { header: 'SUB-DISTRICT', value: (c) => c.location.subdistrict },
  { header: 'ADDRESS', value: (c) => c.location.address },
  { header: 'FLAGGED (BEIJING)', value: (c) => shanghaiMinute(c.attention?.at) },
  { header: 'REASON', value: (c) => c.attention?.reason },
];

export interface ReportRow {
  subdistrict: string;
  community?: string;
  reported: number;
  noticesIssued: number;
  selfDemolished: number;
  enforced: number;
  dismissed: number;
  open: number;
  overdue: number;
  areaRemovedM2: number;
  medianDaysToClose: number | null;
}

export const REPORT_COLUMNS: Column<ReportRow>[] = [
  { header: 'SUB-DISTRICT', value: (r) => r.subdistrict },
  { header: 'COMMUNITY', value: (r) => r.community ?? '(all)' },
  { header: 'REPORTED', value: (r) => r.reported },
  { header: 'NOTICES', value: (r) => r.noticesIssued },
  { header: 'SELF-DEMOLISHED', value: (r) => r.selfDemolished },
  { header: 'ENFORCED', value: (r) => r.enforced },
  { header: 'DISMISSED', value: (r) => r.dismissed },
  { header: 'OPEN', value: (r) => r.open },
  { header: 'OVERDUE', value: (r) => r.overdue },
  { header: 'REMOVED M²', value: (r) => r.areaRemovedM2 },
  { header: 'MEDIAN DAYS TO CLOSE', value: (r) => r.medianDaysToClose ?? '' },
];

/**
 * A problem the API answered, as lines for a person: what was asked and the answer, then each bad field.
 * `optionFor` names the command's option for an API field, so the person sees what to change.
 */
export function describeProblem(
  error: ApiProblem,
  optionFor: (field: string, location: string | undefined) => string | undefined = () => undefined,
): string[] {
  const { problem, status, request } = error;
  const lines = [`${request.method} ${readableUrl(request.url)} answered ${status} ${problem.title ?? ''}`.trimEnd()];
  if (problem.detail) lines.push(`  ${problem.detail}`);
  for (const e of problem.errors ?? []) {
    const where = e.in && e.in !== 'body' ? `${e.in} ${e.field}` : e.field;
    const option = optionFor(e.field, e.in);
    lines.push(`  ${option ? `${option} (${where})` : where}: ${e.message}`);
  }
  if (status === 401)
    lines.push(
      '  The token was refused: pass a current one with --token or RECTIFY_TOKEN (locally: npm run token -- --role officer).',
    );
  return lines;
}

const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** An absent fact still takes its cell, so every line has the same columns. */
const orDash = (value: string | undefined) => value || '-';

export const EVIDENCE_COLUMNS: Column<EvidenceRow>[] = [
  { header: 'EVIDENCE', value: (f) => f.evidenceId },
  { header: 'FILE', value: (f) => f.fileName },
  { header: 'STAGE', value: (f) => f.stage },
  { header: 'TYPE', value: (f) => EVIDENCE_TYPES.get(f.contentType)?.label ?? f.contentType },
  { header: 'SIZE', value: (f) => sizeText(f.size) },
  { header: 'SHA-256', value: (f) => f.sha256 },
  { header: 'CAPTURED (BEIJING)', value: (f) => orDash(shanghaiMinute(f.capturedAt)) },
  {
    header: 'GPS',
    value: (f) => (f.gps ? `${f.gps.latitude.toFixed(5)},${f.gps.longitude.toFixed(5)}` : '-'),
  },
  { header: 'ADDED BY', value: (f) => (f.addedBy ? `${f.addedBy.sub} (${f.addedBy.role})` : '-') },
  { header: 'ADDED (BEIJING)', value: (f) => shanghaiMinute(f.addedAt) },
  {
    header: 'HASH CHECK',
    value: (f) =>
      !f.check ? 'not checked' : f.check.ok ? 'ok' : f.check.mismatch.storedSha256 ? '✗ changed' : '✗ missing',
  },
];
