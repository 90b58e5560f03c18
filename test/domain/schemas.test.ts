import type { z } from 'zod';
import {
  appealActionSchema,
  caseSubmissionSchemaAt,
  dismissalActionSchema,
  enforcementActionSchemaAt,
  extensionActionSchema,
  inspectionActionSchemaAt,
  representationActionSchema,
} from '#domain/schemas';
import { seedSubmission } from '../fixtures/submissions';

const now = new Date('2026-11-29T04:00:00Z');
const submission = caseSubmissionSchemaAt(now);

function issuesOf(schema: z.ZodType, input: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('a case submission', () => {
  it('accepts the seed community report', () => {
    expect(submission.safeParse(seedSubmission()).success).toBe(true);
  });

  it('trims text and defaults photos', () => {
    const { photos: _photos, ...rest } = seedSubmission({ description: '  屋顶加建  ' });
    const parsed = submission.parse(rest);
    expect(parsed.description).toBe('屋顶加建');
    expect(parsed.photos).toEqual([]);
  });

  const base = seedSubmission();
  const bad: [string, unknown, string, RegExp][] = [
    [
      'latitude out of range',
      { ...base, location: { ...base.location, lat: 91 } },
      'location.lat',
      /between -90 and 90/,
    ],
    [
      'longitude out of range',
      { ...base, location: { ...base.location, lon: -181 } },
      'location.lon',
      /between -180 and 180/,
    ],
    [
      'empty address',
      { ...base, location: { ...base.location, address: '   ' } },
      'location.address',
      /must not be empty/,
    ],
    ['missing sub-district', { ...base, location: { community: 'x', address: 'y' } }, 'location.subdistrict', /./],
    ['unknown category', { ...base, category: 'factory' }, 'category', /unit-internal/],
    ['unknown severity', { ...base, severity: 'huge' }, 'severity', /minor/],
    ['zero area', { ...base, structure: { ...base.structure, areaM2: 0 } }, 'structure.areaM2', /greater than 0/],
    [
      'fractional floors',
      { ...base, structure: { ...base.structure, floors: 1.5 } },
      'structure.floors',
      /whole number/,
    ],
    ['unknown material', { ...base, structure: { ...base.structure, material: 'straw' } }, 'structure.material', /./],
    [
      'bad phone',
      { ...base, responsibleParty: { ...base.responsibleParty, phone: '12345' } },
      'responsibleParty.phone',
      /mobile or landline/,
    ],
    [
      'bad email',
      { ...base, responsibleParty: { ...base.responsibleParty, email: 'not-an-email' } },
      'responsibleParty.email',
      /email/,
    ],
    [
      'future discovery',
      { ...base, discoveredOn: '2026-11-30' },
      'discoveredOn',
      /must not be in the future \(today is 2026-11-29/,
    ],
    ['impossible date', { ...base, discoveredOn: '2026-02-30' }, 'discoveredOn', /YYYY-MM-DD/],
    ['oversize description', { ...base, description: '违'.repeat(2001) }, 'description', /at most 2000/],
    ['control characters', { ...base, description: 'a\u0000b' }, 'description', /control characters/],
    [
      'too many photos',
      { ...base, photos: Array.from({ length: 21 }, (_, i) => ({ ref: `p${i}` })) },
      'photos',
      /at most 20/,
    ],
    ['unknown field', { ...base, admin: true }, '', /admin/],
    ['wrong type', { ...base, structure: { ...base.structure, areaM2: '24' } }, 'structure.areaM2', /number/],
  ];

  it.each(bad)('rejects %s, naming the field', (_label, input, path, message) => {
    const issues = issuesOf(submission, input);
    expect(issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]),
    );
  });
});

describe('officer and enforcer actions', () => {
  const cases: [string, z.ZodType, unknown, string][] = [
    [
      'inspection with an unknown result',
      inspectionActionSchemaAt(now),
      { result: 'gone', inspectedAt: '2026-11-28T02:00:00Z', inspector: '王' },
      'result',
    ],
    [
      'inspection in the future',
      inspectionActionSchemaAt(now),
      { result: 'demolished', inspectedAt: '2026-12-28T02:00:00Z', inspector: '王' },
      'inspectedAt',
    ],
    [
      'inspection without a time zone',
      inspectionActionSchemaAt(now),
      { result: 'demolished', inspectedAt: '2026-11-28 10:00', inspector: '王' },
      'inspectedAt',
    ],
    [
      'extension without approver',
      extensionActionSchema,
      { newDeadline: '2026-12-30', reason: '天气原因' },
      'approver',
    ],
    [
      'extension with a bad date',
      extensionActionSchema,
      { newDeadline: '30/12/2026', reason: 'r', approver: 'a' },
      'newDeadline',
    ],
    [
      'representation with an unknown outcome',
      representationActionSchema,
      { receivedOn: '2026-11-20', summary: 's', outcome: 'maybe', response: 'r' },
      'outcome',
    ],
    ['appeal with an unknown action', appealActionSchema, { action: 'withdrawn' }, 'action'],
    [
      'appeal filing without a reference',
      appealActionSchema,
      { action: 'filed', kind: 'litigation', filedOn: '2026-11-20', authority: '区法院' },
      'reference',
    ],
    [
      'enforcement with no area',
      enforcementActionSchemaAt(now),
      { completedAt: '2026-11-28T02:00:00Z', teamLead: '赵' },
      'areaRemovedM2',
    ],
    [
      'dismissal as a duplicate without the original',
      dismissalActionSchema,
      { reason: 'duplicate', explanation: '重复登记' },
      'duplicateOf',
    ],
    [
      'dismissal with a stale version of the wrong type',
      dismissalActionSchema,
      { reason: 'withdrawn', explanation: 'x', expectedVersion: 'two' },
      'expectedVersion',
    ],
  ];

  it.each(cases)('rejects %s, naming the field', (_label, schema, input, path) => {
    expect(issuesOf(schema, input).map((i) => i.path)).toContain(path);
  });

  it('accepts a complete inspection', () => {
    expect(
      inspectionActionSchemaAt(now).parse({
        result: 'demolished',
        inspectedAt: '2026-11-28T10:00:00+08:00',
        inspector: '王科长',
        areaRemovedM2: 24,
      }),
    ).toMatchObject({
      result: 'demolished',
      photos: [],
    });
  });
});

describe('measured numbers', () => {
  it('refuses magnitudes too small to store or mean anything, naming the field', async () => {
    const { caseSubmissionSchema } = await import('#domain/schemas');
    const { seedSubmission } = await import('../fixtures/submissions');
    const base = seedSubmission();
    const tiny = caseSubmissionSchema.safeParse({
      ...base,
      location: { ...base.location, lat: -1.643939118641359e-175 },
    });
    expect(tiny.success).toBe(false);
    expect(tiny.error?.issues.map((i) => i.path.join('.'))).toEqual(['location.lat']);
    expect(
      caseSubmissionSchema
        .safeParse({ ...base, structure: { ...base.structure, areaM2: 1e-300 } })
        .error?.issues.map((i) => i.path.join('.')),
    ).toEqual(['structure.areaM2']);
    expect(caseSubmissionSchema.safeParse({ ...base, location: { ...base.location, lat: 0 } }).success).toBe(true);
  });
});
