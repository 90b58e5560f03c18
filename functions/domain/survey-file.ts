import { parse } from 'csv-parse/sync';
import { canonicalJson } from './canonical-json';
import type { CaseSubmission } from './schemas';
import { caseSubmissionSchemaAt } from './schemas';

/**
 * Survey (违法建设普查) CSV files: the column mapping from the headers survey teams use to the case
 * submission, decoding (UTF-8 with or without BOM; whole-file GBK recognised), validation with the same
 * schema the API uses, and a per-row error report.
 *
 * Read by `rectify import` and by the web console's survey import alike, so it uses only what Node and
 * browsers share (TextDecoder, Web Crypto); the console's build swaps csv-parse for its browser build.
 */

export interface RowError {
  /** The spreadsheet row number (the header is row 1). */
  row: number;
  field: string;
  reason: string;
}

export interface SurveyRow {
  row: number;
  submission: CaseSubmission;
  /** Derived from the row's content, so importing the same row again is recognised as a replay. */
  idempotencyKey: string;
}

export interface ParsedSurvey {
  rows: SurveyRow[];
  errors: RowError[];
  encoding: 'utf-8' | 'gbk';
}

type Cell = string | undefined;

interface Column {
  /** Where the value goes in the submission. */
  path: string;
  /** Accepted headers, Chinese first. */
  headers: string[];
  required: boolean;
  convert?: (raw: string) => unknown;
}

const CATEGORY_WORDS = new Map(
  Object.entries({
    单位内部: 'unit-internal',
    单位: 'unit-internal',
    居民自建: 'resident-built',
    居民: 'resident-built',
    其他: 'other',
    其它: 'other',
  }),
);
const SEVERITY_WORDS = new Map(Object.entries({ 轻微: 'minor', 一般: 'moderate', 较重: 'serious', 严重: 'serious' }));
const MATERIAL_WORDS = new Map(
  Object.entries({
    砖混: 'brick-concrete',
    砖混结构: 'brick-concrete',
    钢筋混凝土: 'reinforced-concrete',
    框架: 'reinforced-concrete',
    钢结构: 'steel',
    彩钢: 'color-steel-sheet',
    彩钢板: 'color-steel-sheet',
    木结构: 'timber',
    临时: 'temporary',
    简易: 'temporary',
    其他: 'other',
  }),
);

/** A spreadsheet word (居民自建) as the API's value; a Map, so `constructor` is a word like any other. */
const word = (table: ReadonlyMap<string, string>) => (raw: string) => table.get(raw) ?? raw;

/** A number cell; anything not a plain number stays text so the schema reports it as the wrong type. */
function numberCell(raw: string): unknown {
  const cleaned = raw.replace(/[,，\s]/g, '').replace(/(㎡|m2|m²|平方米|层)$/i, '');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : raw;
}

/** 2026-11-20, 2026/11/20, 2026.11.20 and 2026年11月20日 all become 2026-11-20. */
function dateCell(raw: string): string {
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(raw);
  if (!match) return raw;
  const [, y, m, d] = match;
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

const SURVEY_COLUMNS: Column[] = [
  { path: 'location.subdistrict', headers: ['街道', 'subdistrict'], required: true },
  { path: 'location.community', headers: ['社区', 'community'], required: true },
  { path: 'location.address', headers: ['地址', '详细地址', 'address'], required: true },
  { path: 'location.lat', headers: ['纬度', 'lat'], required: false, convert: numberCell },
  { path: 'location.lon', headers: ['经度', 'lon'], required: false, convert: numberCell },
  { path: 'category', headers: ['类别', '违建类别', 'category'], required: true, convert: word(CATEGORY_WORDS) },
  { path: 'severity', headers: ['严重程度', '程度', 'severity'], required: true, convert: word(SEVERITY_WORDS) },
  { path: 'description', headers: ['情况描述', '描述', 'description'], required: true },
  { path: 'structure.areaM2', headers: ['面积(㎡)', '面积', 'area_m2'], required: true, convert: numberCell },
  { path: 'structure.floors', headers: ['层数', 'floors'], required: true, convert: numberCell },
  { path: 'structure.material', headers: ['结构', '材料', 'material'], required: true, convert: word(MATERIAL_WORDS) },
  { path: 'responsibleParty.name', headers: ['当事人', 'party_name'], required: true },
  { path: 'responsibleParty.unit', headers: ['当事人单位', 'party_unit'], required: false },
  { path: 'responsibleParty.phone', headers: ['联系电话', '当事人电话', 'party_phone'], required: true },
  { path: 'responsibleParty.email', headers: ['当事人邮箱', 'party_email'], required: false },
  { path: 'reporter.name', headers: ['上报人', '普查员', 'reporter_name'], required: true },
  { path: 'reporter.unit', headers: ['上报单位', 'reporter_unit'], required: false },
  { path: 'reporter.phone', headers: ['上报人电话', 'reporter_phone'], required: false },
  { path: 'discoveredOn', headers: ['发现日期', 'discovered_on'], required: true, convert: dateCell },
  {
    path: 'photos',
    headers: ['照片', 'photos'],
    required: false,
    convert: (raw) =>
      raw
        .split(/[;；]/)
        .map((ref) => ref.trim())
        .filter(Boolean)
        .map((ref) => ({ ref })),
  },
];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

let gbkBytes: Map<string, number[]> | undefined;

/**
 * GBK's bytes for each character, read off the platform's own GBK decoder (WHATWG Encoding), which Node
 * and browsers share; iconv-lite would need Node's Buffer in the browser. Built once, on first use.
 */
function gbkTable(): Map<string, number[]> {
  if (gbkBytes) return gbkBytes;
  const decoder = new TextDecoder('gbk');
  gbkBytes = new Map();
  for (let lead = 0x81; lead <= 0xfe; lead += 1)
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(new Uint8Array([lead, trail]));
      if (char.length === 1 && char !== '\uFFFD' && !gbkBytes.has(char)) gbkBytes.set(char, [lead, trail]);
    }
  return gbkBytes;
}

/** Text as GBK bytes; a character GBK lacks becomes `?`, as encoders do. */
function encodeGbk(text: string): Uint8Array {
  const table = gbkTable();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else bytes.push(...(table.get(char) ?? [0x3f]));
  }
  return Uint8Array.from(bytes);
}

/** Text whose every character is below U+0100 as its Latin-1 bytes. */
const encodeLatin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/**
 * Text that was decoded with the wrong encoding somewhere on its way (UTF-8 bytes read as GBK, or as
 * Latin-1) and saved again. Re-encoding it the wrong way round gives back valid UTF-8 — real Chinese
 * text almost never does.
 */
export function looksMisdecoded(text: string): string | undefined {
  if (text.includes('\uFFFD')) {
    // Bytes were already lost; recover what can be recovered as a hint.
    const bytes = encodeGbk(text.replaceAll('\uFFFD', ''));
    const hint = new TextDecoder('utf-8').decode(bytes).replaceAll('\uFFFD', '');
    return /[\u4E00-\u9FFF]/.test(hint) && hint !== text.replaceAll('\uFFFD', '') ? hint : '';
  }
  if (!/[^ -~\t]/.test(text)) return undefined;
  for (const encoding of ['gbk', 'latin1'] as const) {
    if (encoding === 'latin1' && [...text].some((c) => c.charCodeAt(0) > 0xff)) continue;
    const bytes = encoding === 'gbk' ? encodeGbk(text) : encodeLatin1(text);
    try {
      const recovered = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      if (recovered !== text && /[\u4E00-\u9FFF]/.test(recovered)) return recovered;
    } catch {
      // not a mix-up of this kind
    }
  }
  return undefined;
}

function decode(buffer: Uint8Array): { text: string; encoding: 'utf-8' | 'gbk' } {
  const body = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? buffer.subarray(3) : buffer;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // Spreadsheet programs on Chinese Windows save CSV as GBK by default.
    return { text: new TextDecoder('gbk').decode(body), encoding: 'gbk' };
  }
}

function fieldLabel(path: string): string {
  const column = SURVEY_COLUMNS.find((c) => path === c.path || path.startsWith(`${c.path}.`));
  return column ? `${column.headers[0]} (${path})` : path || '(row)';
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parses a survey file into valid submissions and a per-row error report; bad rows never stop good ones. */
export async function readSurvey(buffer: Uint8Array, now: Date): Promise<ParsedSurvey> {
  const { text, encoding } = decode(buffer);
  const records = parse(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  }) as string[][];
  const [header, ...data] = records;
  const errors: RowError[] = [];
  const rows: SurveyRow[] = [];
  if (!header) return { rows, errors: [{ row: 1, field: '(header)', reason: 'the file is empty' }], encoding };

  const columnIndex = new Map<string, number>();
  for (const column of SURVEY_COLUMNS) {
    const index = header.findIndex((h) => column.headers.some((name) => name.toLowerCase() === h.trim().toLowerCase()));
    if (index >= 0) columnIndex.set(column.path, index);
    else if (column.required)
      errors.push({
        row: 1,
        field: column.headers[0]!,
        reason: `missing column (accepted headers: ${column.headers.join(', ')})`,
      });
  }
  if (errors.length) return { rows, errors, encoding };

  const schema = caseSubmissionSchemaAt(now);
  const seen = new Map<string, number>();
  for (const [i, cells] of data.entries()) {
    const row = i + 2;
    const candidate: Record<string, unknown> = {};
    const rowErrors: RowError[] = [];
    for (const column of SURVEY_COLUMNS) {
      const index = columnIndex.get(column.path);
      const raw: Cell = index === undefined ? undefined : cells[index];
      if (raw === undefined || raw === '') continue;
      const recovered = looksMisdecoded(raw);
      if (recovered !== undefined) {
        rowErrors.push({
          row,
          field: fieldLabel(column.path),
          reason: `text looks garbled by a wrong encoding (GBK/UTF-8 mix-up)${recovered ? `; it may have been “${recovered}”` : ''} — re-save the file as UTF-8`,
        });
        continue;
      }
      setPath(candidate, column.path, column.convert ? column.convert(raw) : raw);
    }
    const result = schema.safeParse(candidate);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.join('.');
        if (rowErrors.some((e) => e.field === fieldLabel(path))) continue;
        rowErrors.push({
          row,
          field: fieldLabel(path),
          reason:
            issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is required' : issue.message,
        });
      }
    }
    if (rowErrors.length || !result.success) {
      errors.push(...rowErrors);
      continue;
    }
    const fingerprint = await sha256Hex(canonicalJson(result.data));
    const first = seen.get(fingerprint);
    if (first !== undefined) {
      errors.push({ row, field: '(row)', reason: `duplicate of row ${first}` });
      continue;
    }
    seen.set(fingerprint, row);
    rows.push({ row, submission: result.data, idempotencyKey: `survey-${fingerprint.slice(0, 40)}` });
  }
  return { rows, errors, encoding };
}
