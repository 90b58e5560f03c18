import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import type { ApiHarness, Client } from '../api/support/harness';
import { startApiHarness } from '../api/support/harness';
import { CaseStates } from '../api/support/case-states';
import { seedSubmission } from '../fixtures/submissions';

/**
 * What an attack found accepted: more area removed than the case has (a 24 m² case closed with 99999 m²
 * inflates the work summary), inspections and demolitions dated before the case was reported, and
 * bidirectional controls and line breaks in one-line fields, which then reached the CSV export.
 */
let api: ApiHarness;
let states: CaseStates;
let officer: Client;
let enforcer: Client;
let reporter: Client;
const reportedAt = new Date('2026-12-09T02:00:00Z');

beforeAll(async () => {
  api = await startApiHarness({ now: reportedAt });
  states = new CaseStates(api.store, () => api.clock.now());
  officer = await api.as('officer');
  enforcer = await api.as('enforcer');
  reporter = await api.as('reporter');
});
afterAll(async () => {
  await api?.close();
});

async function awaitingInspection() {
  const token = randomUUID();
  const record = await states.awaitingInspection(token);
  api.engine.openStep(token);
  return record;
}
async function enforcementScheduled() {
  const token = randomUUID();
  const record = await states.enforcementScheduled(token);
  api.engine.openStep(token);
  return record;
}
const fieldsOf = (answer: { status: number; body: { errors?: { field: string }[] } }) => ({
  status: answer.status,
  fields: (answer.body.errors ?? []).map((e) => e.field),
});

describe('area removed', () => {
  it('an inspection may not record more removed than the case’s area; the area itself is accepted', async () => {
    const record = await awaitingInspection();
    const tooMuch = await officer.post(`/cases/${record.id}/inspections`, {
      result: 'demolished',
      inspectedAt: api.clock.now().toISOString(),
      inspector: '王科员',
      areaRemovedM2: 99999,
    });
    expect(fieldsOf(tooMuch)).toEqual({ status: 400, fields: ['areaRemovedM2'] });
    expect((await api.store.getCase(record.id))?.version).toBe(record.version);
    const exact = await officer.post(`/cases/${record.id}/inspections`, {
      result: 'demolished',
      inspectedAt: api.clock.now().toISOString(),
      inspector: '王科员',
      areaRemovedM2: record.areaM2,
    });
    expect(exact.status).toBe(200);
  });

  it('a forced demolition may not remove more than is left of the case’s area', async () => {
    const record = await enforcementScheduled();
    const tooMuch = await enforcer.post(`/cases/${record.id}/enforcement`, {
      completedAt: api.clock.now().toISOString(),
      teamLead: '赵队长',
      areaRemovedM2: record.areaM2 + 0.5,
    });
    expect(fieldsOf(tooMuch)).toEqual({ status: 400, fields: ['areaRemovedM2'] });
    expect((await api.store.getCase(record.id))?.version).toBe(record.version);
  });
});

describe('times before the report', () => {
  it('an inspection dated before the case was reported is refused naming inspectedAt', async () => {
    const record = await awaitingInspection();
    const before = new Date(Date.parse(record.reportedAt) - 60_000).toISOString();
    const answer = await officer.post(`/cases/${record.id}/inspections`, {
      result: 'demolished',
      inspectedAt: before,
      inspector: '王科员',
    });
    expect(fieldsOf(answer)).toEqual({ status: 400, fields: ['inspectedAt'] });
  });

  it('a demolition completed before the case was reported is refused naming completedAt', async () => {
    const record = await enforcementScheduled();
    const answer = await enforcer.post(`/cases/${record.id}/enforcement`, {
      completedAt: '2020-01-01T00:00:00Z',
      teamLead: '赵队长',
      areaRemovedM2: 1,
    });
    expect(fieldsOf(answer)).toEqual({ status: 400, fields: ['completedAt'] });
  });
});

const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
const BREAKS = ['\n', '\r', '\r\n'];
/** Every one-line text field of a submission, as a path and a way to set it. */
const ONE_LINE_FIELDS: [string, (s: ReturnType<typeof seedSubmission>, v: string) => void][] = [
  ['location.subdistrict', (s, v) => (s.location.subdistrict = v)],
  ['location.community', (s, v) => (s.location.community = v)],
  ['location.address', (s, v) => (s.location.address = v)],
  ['responsibleParty.name', (s, v) => (s.responsibleParty.name = v)],
  ['responsibleParty.unit', (s, v) => (s.responsibleParty.unit = v)],
  ['reporter.name', (s, v) => (s.reporter.name = v)],
  ['reporter.unit', (s, v) => (s.reporter.unit = v)],
  ['photos[0].ref', (s, v) => (s.photos = [{ ref: v }])],
  ['photos[0].caption', (s, v) => (s.photos = [{ ref: 'photo-1.jpg', caption: v }])],
];

describe('one-line fields', () => {
  it('refuse a bidirectional control or a line break anywhere, naming the field; nothing is stored', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ONE_LINE_FIELDS),
        fc.constantFrom(...BIDI, ...BREAKS),
        fc.string({ maxLength: 5 }),
        fc.string({ maxLength: 5 }),
        async ([field, set], control, head, tail) => {
          const submission = seedSubmission();
          set(submission, `上土湾${head}${control}${tail}1号`);
          const answer = await reporter.post('/cases', submission, { 'idempotency-key': randomUUID() });
          expect(answer.status).toBe(400);
          expect((answer.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('many-line text keeps its line breaks but not bidirectional controls', async () => {
    const withBreaks = await reporter.post('/cases', seedSubmission({ description: '第一行\n第二行' }), {
      'idempotency-key': randomUUID(),
    });
    expect(withBreaks.status).toBe(201);
    expect(withBreaks.body.description).toBe('第一行\n第二行');
    const withBidi = await reporter.post('/cases', seedSubmission({ description: '加建\u202E层顶' }), {
      'idempotency-key': randomUUID(),
    });
    expect(fieldsOf(withBidi)).toEqual({ status: 400, fields: ['description'] });
  });

  it('one-line actions fields (inspector, team lead) refuse them too', async () => {
    const record = await awaitingInspection();
    const answer = await officer.post(`/cases/${record.id}/inspections`, {
      result: 'demolished',
      inspectedAt: api.clock.now().toISOString(),
      inspector: '王\u202E科员',
    });
    expect(fieldsOf(answer)).toEqual({ status: 400, fields: ['inspector'] });
    const scheduled = await enforcementScheduled();
    const lead = await enforcer.post(`/cases/${scheduled.id}/enforcement`, {
      completedAt: api.clock.now().toISOString(),
      teamLead: '赵\n队长',
      areaRemovedM2: 1,
    });
    expect(fieldsOf(lead)).toEqual({ status: 400, fields: ['teamLead'] });
  });
});

describe('the CSV export of text stored before these checks', () => {
  it('shows each control as U+FFFD and each line break as a space, one line per case', async () => {
    const subdistrict = `导出街道-${randomUUID().slice(0, 6)}`;
    await states.reported({
      submission: { location: { subdistrict, community: '解放坡\u2067社区', address: '上土湾\u202E号1\r\n=SUM(A1)' } },
    });
    const auditor = await api.as('auditor');
    const answer = await auditor.get(`/cases/export?subdistrict=${encodeURIComponent(subdistrict)}`);
    expect(answer.status).toBe(200);
    const text = String(answer.body);
    expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    const rows = parse(text.replace(/^\uFEFF/, '')) as string[][];
    expect(rows).toHaveLength(2);
    expect(rows[1]?.slice(4, 6)).toEqual(['解放坡\uFFFD社区', '上土湾\uFFFD号1 =SUM(A1)']);
  });
});
