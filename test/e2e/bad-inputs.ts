import type { Role } from '#domain/vocabulary';
import { seedSubmission } from '../fixtures/submissions';

/**
 * Requests that must each be refused with 400 naming the bad field, and write nothing. `{id}` is the
 * case the actions are aimed at; `{key}` a fresh Idempotency-Key.
 */
export interface BadInput {
  name: string;
  role: Role;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** A body sent as it is (malformed JSON). */
  raw?: string;
  headers?: Record<string, string>;
  /** Send no Idempotency-Key (POST /cases only). */
  noKey?: boolean;
  field: string;
  in: 'body' | 'query' | 'path' | 'header';
}

/** Submissions under this sub-district exist only if a bad one was written. */
export const BAD_SUBDISTRICT = '校验街道';

const submission = (overrides: Record<string, unknown> = {}) => ({
  ...seedSubmission({ location: { subdistrict: BAD_SUBDISTRICT, community: '解放坡社区', address: '隆庆楼99号' } }),
  ...overrides,
});
const withLocation = (location: Record<string, unknown>) =>
  submission({
    location: { subdistrict: BAD_SUBDISTRICT, community: '解放坡社区', address: '隆庆楼99号', ...location },
  });
const withStructure = (structure: Record<string, unknown>) =>
  submission({ structure: { areaM2: 24, floors: 1, material: 'color-steel-sheet', ...structure } });
const inspection = (overrides: Record<string, unknown> = {}) => ({
  result: 'demolished',
  inspectedAt: '2026-01-05T02:00:00Z',
  inspector: '王科员',
  ...overrides,
});
const appealFiled = (overrides: Record<string, unknown> = {}) => ({
  action: 'filed',
  kind: 'reconsideration',
  filedOn: '2026-01-05',
  authority: '区人民政府',
  reference: 'R-1',
  ...overrides,
});

const post = (
  name: string,
  role: Role,
  path: string,
  body: unknown,
  field: string,
  extra: Partial<BadInput> = {},
): BadInput => ({ name, role, method: 'POST', path, body, field, in: 'body', ...extra });
const get = (name: string, role: Role, path: string, field: string, location: BadInput['in'] = 'query'): BadInput => ({
  name,
  role,
  method: 'GET',
  path,
  field,
  in: location,
});

export const BAD_INPUTS: BadInput[] = [
  // POST /cases
  post('malformed JSON', 'reporter', '/cases', undefined, '(body)', { raw: '{"location": {' }),
  post('a list instead of an object', 'reporter', '/cases', [], '(body)'),
  post('missing location', 'reporter', '/cases', submission({ location: undefined }), 'location'),
  post('empty sub-district', 'reporter', '/cases', withLocation({ subdistrict: '   ' }), 'location.subdistrict'),
  post('oversize address', 'reporter', '/cases', withLocation({ address: '楼'.repeat(201) }), 'location.address'),
  post('latitude out of range', 'reporter', '/cases', withLocation({ lat: 91 }), 'location.lat'),
  post('unknown category', 'reporter', '/cases', submission({ category: 'illegal' }), 'category'),
  post('severity of the wrong type', 'reporter', '/cases', submission({ severity: 3 }), 'severity'),
  post('negative area', 'reporter', '/cases', withStructure({ areaM2: -5 }), 'structure.areaM2'),
  post('area as a string', 'reporter', '/cases', withStructure({ areaM2: '24' }), 'structure.areaM2'),
  post('area beyond the range', 'reporter', '/cases', withStructure({ areaM2: 1e9 }), 'structure.areaM2'),
  post('fractional floors', 'reporter', '/cases', withStructure({ floors: 1.5 }), 'structure.floors'),
  post('unknown material', 'reporter', '/cases', withStructure({ material: 'mud' }), 'structure.material'),
  post('unknown structure field', 'reporter', '/cases', withStructure({ height: 3 }), 'structure.height'),
  post(
    'bad party phone',
    'officer',
    '/cases',
    submission({ responsibleParty: { name: '张某', phone: 'call me' } }),
    'responsibleParty.phone',
  ),
  post(
    'bad party email',
    'reporter',
    '/cases',
    submission({ responsibleParty: { name: '张某', phone: '13800138000', email: 'zhang@' } }),
    'responsibleParty.email',
  ),
  post(
    'control character in the description',
    'reporter',
    '/cases',
    submission({ description: '屋顶\u0007加建' }),
    'description',
  ),
  post('oversize description', 'reporter', '/cases', submission({ description: '违'.repeat(2001) }), 'description'),
  post(
    'too many photos',
    'reporter',
    '/cases',
    submission({ photos: Array.from({ length: 21 }, (_, i) => ({ ref: `p${i}.jpg` })) }),
    'photos',
  ),
  post('discovered in the future', 'reporter', '/cases', submission({ discoveredOn: '2999-01-01' }), 'discoveredOn'),
  post('impossible date', 'reporter', '/cases', submission({ discoveredOn: '2026-02-30' }), 'discoveredOn'),
  post('unknown top-level field', 'reporter', '/cases', submission({ priority: 'high' }), 'priority'),
  post('missing Idempotency-Key', 'reporter', '/cases', submission(), 'Idempotency-Key', { in: 'header', noKey: true }),
  post('malformed Idempotency-Key', 'reporter', '/cases', submission(), 'Idempotency-Key', {
    in: 'header',
    headers: { 'idempotency-key': 'short' },
  }),
  // GET /cases
  get('limit zero', 'auditor', '/cases?status=REPORTED&limit=0', 'limit'),
  get('limit not a number', 'auditor', '/cases?status=REPORTED&limit=ten', 'limit'),
  get('unknown status', 'auditor', '/cases?status=OPEN', 'status'),
  get(
    'impossible from date',
    'auditor',
    `/cases?subdistrict=${encodeURIComponent(BAD_SUBDISTRICT)}&from=2026-13-01`,
    'from',
  ),
  get('unknown query parameter', 'officer', '/cases?status=REPORTED&sort=asc', 'sort'),
  get('overdue not a flag', 'enforcer', '/cases?overdue=yes', 'overdue'),
  get('repeated parameter', 'auditor', '/cases?status=REPORTED&status=CLOSED', 'status'),
  // GET /cases/{id} and its history
  get('malformed case id', 'officer', '/cases/not-a-case', 'id', 'path'),
  get('verify not a flag', 'auditor', '/cases/{id}/history?verify=maybe', 'verify'),
  get('forged history cursor', 'auditor', '/cases/{id}/history?cursor=bm90LWEtY3Vyc29y', 'cursor'),
  get('history limit too large', 'auditor', '/cases/{id}/history?limit=5000', 'limit'),
  // POST /cases/{id}/inspections
  post('unknown inspection result', 'officer', '/cases/{id}/inspections', inspection({ result: 'gone' }), 'result'),
  post(
    'inspection in the future',
    'officer',
    '/cases/{id}/inspections',
    inspection({ inspectedAt: '2999-01-01T00:00:00Z' }),
    'inspectedAt',
  ),
  post(
    'inspection time without zone',
    'officer',
    '/cases/{id}/inspections',
    inspection({ inspectedAt: '2026-01-05T10:00:00' }),
    'inspectedAt',
  ),
  post(
    'negative area removed',
    'officer',
    '/cases/{id}/inspections',
    inspection({ areaRemovedM2: -1 }),
    'areaRemovedM2',
  ),
  post('version zero', 'officer', '/cases/{id}/inspections', inspection({ expectedVersion: 0 }), 'expectedVersion'),
  post('malformed If-Match', 'officer', '/cases/{id}/inspections', inspection(), 'If-Match', {
    in: 'header',
    headers: { 'if-match': 'latest' },
  }),
  // POST /cases/{id}/extensions
  post(
    'deadline not a date',
    'officer',
    '/cases/{id}/extensions',
    { newDeadline: 'tomorrow', reason: '申请延期', approver: '陈主任' },
    'newDeadline',
  ),
  post(
    'extension without approver',
    'officer',
    '/cases/{id}/extensions',
    { newDeadline: '2026-02-01', reason: '申请延期' },
    'approver',
  ),
  // POST /cases/{id}/representations
  post(
    'unknown representation outcome',
    'officer',
    '/cases/{id}/representations',
    { receivedOn: '2026-01-05', summary: '陈述', outcome: 'maybe', response: '答复' },
    'outcome',
  ),
  post(
    'oversize representation summary',
    'officer',
    '/cases/{id}/representations',
    { receivedOn: '2026-01-05', summary: '述'.repeat(4001), outcome: 'rejected', response: '答复' },
    'summary',
  ),
  // POST /cases/{id}/appeals
  post('unknown appeal action', 'officer', '/cases/{id}/appeals', appealFiled({ action: 'withdrawn' }), 'action'),
  post(
    'filed appeal without authority',
    'officer',
    '/cases/{id}/appeals',
    appealFiled({ authority: undefined }),
    'authority',
  ),
  post(
    'unknown appeal resolution',
    'officer',
    '/cases/{id}/appeals',
    { action: 'resolved', outcome: 'partial', resolvedOn: '2026-01-05', reference: 'R-1' },
    'outcome',
  ),
  // POST /cases/{id}/enforcement
  post(
    'nothing removed by enforcement',
    'enforcer',
    '/cases/{id}/enforcement',
    { completedAt: '2026-01-05T02:00:00Z', teamLead: '赵队长', areaRemovedM2: 0 },
    'areaRemovedM2',
  ),
  post(
    'enforcement in the future',
    'enforcer',
    '/cases/{id}/enforcement',
    { completedAt: '2999-01-05T02:00:00Z', teamLead: '赵队长', areaRemovedM2: 5 },
    'completedAt',
  ),
  // POST /cases/{id}/dismissal
  post(
    'unknown dismissal reason',
    'officer',
    '/cases/{id}/dismissal',
    { reason: 'bored', explanation: '无' },
    'reason',
  ),
  post(
    'duplicate without the original',
    'officer',
    '/cases/{id}/dismissal',
    { reason: 'duplicate', explanation: '重复登记' },
    'duplicateOf',
  ),
  post(
    'malformed original case id',
    'officer',
    '/cases/{id}/dismissal',
    { reason: 'duplicate', explanation: '重复登记', duplicateOf: 'C-1' },
    'duplicateOf',
  ),
];
