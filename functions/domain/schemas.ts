import * as z from 'zod';
import {
  APPEAL_KINDS,
  CASE_STATUSES,
  CATEGORIES,
  DISMISSAL_REASONS,
  EVENT_TYPES,
  INSPECTION_RESULTS,
  MATERIALS,
  ROLES,
  SERVED_DOCUMENTS,
  SERVICE_METHODS,
  SEVERITIES,
} from './vocabulary';
import { shanghaiDateOf } from './shanghai-time';
import { evidenceId } from './evidence';

// Control characters other than tab/newline have no place in case text and break exports and emails.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): invisible, they
 * make text display in another order than it is stored (an address, a name or a CSV cell that reads
 * differently from what it says).
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
const LINE_BREAKS = /[\r\n\u2028\u2029\u0085]/;

/**
 * Trimmed text of bounded length without control characters, on one line or several. Every Lambda builds
 * this module's schemas when it loads, so each bound is built once and shared by the fields that use it,
 * and as one schema holding all its checks: chaining `.trim().min().max().refine()` clones the schema at
 * every step, and those clones were a quarter of the schemas a cold start built.
 */
const boundedTexts = new Map<string, z.ZodString>();
function boundedText(max: number, min: number, singleLine: boolean): z.ZodString {
  const key = `${singleLine ? 'line' : 'text'} ${min}–${max}`;
  const built = boundedTexts.get(key);
  if (built) return built;
  const schema = z.string().check(
    z.trim(),
    z.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine<string>((s) => !CONTROL_CHARACTERS.test(s), 'must not contain control characters'),
    z.refine<string>(
      (s) => !BIDI_CONTROLS.test(s),
      'must not contain bidirectional text controls (U+202A–U+202E, U+2066–U+2069)',
    ),
    ...(singleLine ? [z.refine<string>((s) => !LINE_BREAKS.test(s), 'must be a single line (no line breaks)')] : []),
  );
  boundedTexts.set(key, schema);
  return schema;
}

/** Text that may hold line breaks: a description, notes, a reason. */
const text = (max: number, min = 1) => boundedText(max, min, false);

/** Text of one line: a name, an address, a reference. */
const line = (max: number, min = 1) => boundedText(max, min, true);

/**
 * A measured number: 0 or at least 1e-9 in magnitude. Finer is meaningless for degrees or m², and
 * DynamoDB refuses magnitudes below 1e-130 — such a value must be a 400 naming its field, not a failed write.
 */
const MEASURABLE = 1e-9;
const measured = (schema: z.ZodNumber) =>
  schema.refine((v) => v === 0 || Math.abs(v) >= MEASURABLE, 'must be 0 or at least 0.000000001 in size');

export const isoDate = z.iso.date({ message: 'must be a date, YYYY-MM-DD' });
export const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' });

/** Mainland mobile (1xxxxxxxxxx) or landline (0xx-xxxxxxx), optionally prefixed +86. */
const phone = z
  .string()
  .trim()
  .regex(/^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, 'must be a mainland China mobile or landline number');

export const caseId = z.string().regex(/^C-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/, 'must be a case id like C-20261129-7K3M2Q');

const locationSchema = z.strictObject({
  subdistrict: line(64),
  community: line(64),
  address: line(200),
  lat: measured(z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90')).optional(),
  lon: measured(
    z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180'),
  ).optional(),
});

const structureSchema = z.strictObject({
  areaM2: measured(z.number().positive('must be greater than 0').max(100_000, 'must be at most 100000 m²')),
  floors: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
  material: z.enum(MATERIALS),
});

const partySchema = z.strictObject({
  name: line(100),
  unit: line(200).optional(),
  phone,
  email: z.email('must be an email address').max(254).optional(),
});

const reporterSchema = z.strictObject({
  name: line(100),
  unit: line(200).optional(),
  phone: phone.optional(),
});

const photoRefSchema = z.strictObject({
  ref: line(500),
  caption: line(200).optional(),
});

/** What community staff submit when they report a suspected illegal construction. */
export const caseSubmissionSchema = z.strictObject({
  location: locationSchema,
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  description: text(2000),
  structure: structureSchema,
  responsibleParty: partySchema,
  reporter: reporterSchema,
  photos: z.array(photoRefSchema).max(20, 'at most 20 photos').default([]),
  discoveredOn: isoDate,
});
export type CaseSubmission = z.infer<typeof caseSubmissionSchema>;

/** The submission schema with the checks that depend on today's date in Asia/Shanghai. */
export function caseSubmissionSchemaAt(now: Date) {
  const today = shanghaiDateOf(now);
  return caseSubmissionSchema.superRefine((value, ctx) => {
    if (value.discoveredOn > today) {
      ctx.addIssue({
        code: 'custom',
        path: ['discoveredOn'],
        message: `must not be in the future (today is ${today} in Asia/Shanghai)`,
      });
    }
    if (value.discoveredOn < '2000-01-01') {
      ctx.addIssue({ code: 'custom', path: ['discoveredOn'], message: 'must not be before 2000-01-01' });
    }
  });
}

/** Optimistic concurrency: the case version the officer looked at. */
const expectedVersion = z.number().int().min(1).optional();

/**
 * The confirmed files of the case an action rests on (before/after photos, the party's papers), each named
 * once; the event records each with its SHA-256.
 */
const evidenceIds = z
  .array(evidenceId)
  .max(20, 'at most 20 files')
  .refine((ids) => new Set(ids).size === ids.length, 'must name each file once')
  .optional();

/** Rejects a date-time later than now (plus a little clock skew). */
function notInFuture(now: Date, field: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const raw = value[field];
    if (typeof raw === 'string' && Date.parse(raw) > now.getTime() + 5 * 60_000) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'must not be in the future' });
    }
  };
}

export const inspectionActionSchema = z.strictObject({
  result: z.enum(INSPECTION_RESULTS),
  /** When the inspection took place; the time it is recorded when absent. */
  inspectedAt: isoDateTime.optional(),
  inspector: line(100),
  notes: text(2000).optional(),
  areaRemovedM2: measured(z.number().min(0).max(100_000)).optional(),
  photos: z.array(photoRefSchema).max(20).default([]),
  evidenceIds,
  expectedVersion,
});
export type InspectionAction = z.infer<typeof inspectionActionSchema>;

export const extensionActionSchema = z.strictObject({
  newDeadline: isoDate,
  reason: text(1000),
  approver: line(100),
  expectedVersion,
});
export type ExtensionAction = z.infer<typeof extensionActionSchema>;

/** 陈述申辩: the party's statement and the officer's decision on it. */
export const representationActionSchema = z.strictObject({
  receivedOn: isoDate,
  summary: text(4000),
  outcome: z.enum(['accepted', 'rejected']),
  response: text(4000),
  evidenceIds,
  expectedVersion,
});
export type RepresentationAction = z.infer<typeof representationActionSchema>;

const appealFiledSchema = z.strictObject({
  action: z.literal('filed'),
  kind: z.enum(APPEAL_KINDS),
  filedOn: isoDate,
  authority: line(200),
  reference: line(100),
  evidenceIds,
  expectedVersion,
});
const appealResolvedSchema = z.strictObject({
  action: z.literal('resolved'),
  outcome: z.enum(['upheld', 'revoked']),
  resolvedOn: isoDate,
  reference: line(100),
  summary: text(2000).optional(),
  evidenceIds,
  expectedVersion,
});
export const appealActionSchema = z.discriminatedUnion('action', [appealFiledSchema, appealResolvedSchema]);
export type AppealAction = z.infer<typeof appealActionSchema>;

export const enforcementActionSchema = z.strictObject({
  /** When the demolition was completed; the time it is recorded when absent. */
  completedAt: isoDateTime.optional(),
  teamLead: line(100),
  areaRemovedM2: measured(z.number().positive('must be greater than 0').max(100_000)),
  notes: text(2000).optional(),
  evidenceIds,
  expectedVersion,
});
export type EnforcementAction = z.infer<typeof enforcementActionSchema>;

export const dismissalActionSchema = z
  .strictObject({
    reason: z.enum(DISMISSAL_REASONS),
    explanation: text(2000),
    duplicateOf: caseId.optional(),
    expectedVersion,
  })
  .superRefine((value, ctx) => {
    if (value.reason === 'duplicate' && !value.duplicateOf) {
      ctx.addIssue({ code: 'custom', path: ['duplicateOf'], message: 'is required when the reason is duplicate' });
    }
  });
export type DismissalAction = z.infer<typeof dismissalActionSchema>;

/** 电子送达 needs the party's written consent (民事诉讼法 §90): when it was signed and where it is filed. */
const electronicConsentSchema = z.strictObject({
  signedOn: isoDate,
  reference: line(200),
});

/**
 * 送达: how and when a document reached the party. `servedOn` is the date on the signed 送达回证 (直接,
 * 留置, 邮寄), the date the message reached the party's system (电子), or the date the announcement was
 * published (公告, which counts as served only once the policy's `serviceByAnnouncement` period has passed).
 */
export const serviceActionSchema = z
  .strictObject({
    document: z.enum(SERVED_DOCUMENTS),
    method: z.enum(SERVICE_METHODS),
    servedOn: isoDate,
    /** Who signed for it (the party, an adult family member, the unit's clerk); not for 公告送达. */
    receiver: line(100).optional(),
    /** 留置送达: the witnesses, or how the leaving was recorded (photo, video). */
    witnesses: line(200).optional(),
    /** 公告送达: where the announcement was published (notice board at the premises, newspaper, website). */
    publishedIn: line(200).optional(),
    /** 电子送达: the party's written consent to it. */
    consent: electronicConsentSchema.optional(),
    /** The 送达回证's number or file reference. */
    receiptReference: line(100).optional(),
    /** The photo of the signed 送达回证: a confirmed file of the case, attached at the `service` stage. */
    receiptEvidenceId: evidenceId.optional(),
    notes: text(2000).optional(),
    expectedVersion,
  })
  .superRefine((value, ctx) => {
    if (value.method === 'announcement') {
      if (!value.publishedIn)
        ctx.addIssue({ code: 'custom', path: ['publishedIn'], message: 'is required for service by announcement' });
    } else if (!value.receiver) {
      ctx.addIssue({ code: 'custom', path: ['receiver'], message: `is required when the method is ${value.method}` });
    }
    if (value.method === 'left-at-premises' && !value.witnesses)
      ctx.addIssue({
        code: 'custom',
        path: ['witnesses'],
        message: 'is required for 留置送达 (witnesses, or how the leaving was photographed or filmed)',
      });
    if (value.method === 'electronic') {
      if (!value.consent)
        ctx.addIssue({
          code: 'custom',
          path: ['consent'],
          message: 'is required: electronic service only where the party consented in writing (民事诉讼法 §90)',
        });
      else if (value.consent.signedOn > value.servedOn)
        ctx.addIssue({ code: 'custom', path: ['consent', 'signedOn'], message: 'must not be after servedOn' });
    } else if (value.consent) {
      ctx.addIssue({ code: 'custom', path: ['consent'], message: 'is only for electronic service' });
    }
  });
export type ServiceAction = z.infer<typeof serviceActionSchema>;

/** Starts a stopped or failed workflow again from the case's status, once its cause is fixed. */
export const resumeActionSchema = z.strictObject({
  reason: text(1000),
  expectedVersion,
});
export type ResumeAction = z.infer<typeof resumeActionSchema>;

/** Action schemas whose timestamps must not lie in the future, bound to the current time. */
export function inspectionActionSchemaAt(now: Date) {
  return inspectionActionSchema.superRefine(notInFuture(now, 'inspectedAt'));
}
export function serviceActionSchemaAt(now: Date) {
  const today = shanghaiDateOf(now);
  return serviceActionSchema.superRefine((value, ctx) => {
    if (value.servedOn > today)
      ctx.addIssue({
        code: 'custom',
        path: ['servedOn'],
        message: `must not be in the future (today is ${today} in Asia/Shanghai)`,
      });
  });
}
export function enforcementActionSchemaAt(now: Date) {
  return enforcementActionSchema.superRefine(notInFuture(now, 'completedAt'));
}

const actorSchema = z.strictObject({
  sub: z.string().min(1).max(128),
  role: z.enum([...ROLES, 'system']),
});
export type ActorRef = z.infer<typeof actorSchema>;

const deadlineSchema = z.strictObject({
  date: isoDate,
  at: isoDateTime,
  provisional: z.boolean(),
});

/** A recorded service as stored on the case (see serviceActionSchema). */
const serviceSchema = z.strictObject({
  method: z.enum(SERVICE_METHODS),
  servedOn: isoDate,
  /** The day the periods count from: `servedOn`, or for 公告送达 the day its period ends. */
  effectiveOn: isoDate.optional(),
  receiver: z.string().optional(),
  witnesses: z.string().optional(),
  publishedIn: z.string().optional(),
  consent: z.strictObject({ signedOn: isoDate, reference: z.string() }).optional(),
  receiptReference: z.string().optional(),
  /** The file (photo of the signed 送达回证) the service record cites; its SHA-256 is in the event. */
  receiptEvidenceId: z.string().optional(),
  recordedAt: isoDateTime.optional(),
});
export type ServiceRecord = z.infer<typeof serviceSchema>;

const noticeSchema = z.strictObject({
  number: z.string(),
  issuedAt: isoDateTime,
  /**
   * Until service is recorded: the deadline as if served on the day of issue (the earliest it can be);
   * recording the service counts it again from the service date.
   */
  deadline: deadlineSchema,
  /** Absent while the notice is issued but not yet served. */
  service: serviceSchema.optional(),
  extensionCount: z.number().int().min(0),
  extendedDays: z.number().int().min(0),
});

export const pendingCallbackSchema = z.strictObject({
  token: z.string().min(1),
  /** The kind of human step the workflow is waiting for. */
  kind: z.enum(['persuasion-result', 'inspection', 'service', 'enforcement']),
  openedAt: isoDateTime,
  dueAt: isoDateTime,
});

/**
 * Text as stored: read back as it was written. The input schemas above decide what may be written; a
 * rule they gain later must not make a case stored before it unreadable.
 */
const storedLocationSchema = locationSchema.extend({
  subdistrict: z.string(),
  community: z.string(),
  address: z.string(),
});
const storedPartySchema = partySchema.extend({
  name: z.string(),
  unit: z.string().optional(),
  phone: z.string(),
  email: z.string().optional(),
});

/** The case item: the current state of one case. Its history is in its events. */
export const caseRecordSchema = z.strictObject({
  id: caseId,
  status: z.enum(CASE_STATUSES),
  version: z.number().int().min(1),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  location: storedLocationSchema,
  areaM2: z.number().positive(),
  description: z.string(),
  responsibleParty: storedPartySchema,
  reporterSub: z.string(),
  reportedAt: isoDateTime,
  discoveredOn: isoDate,
  updatedAt: isoDateTime,
  /** The deadline that is running now (persuasion, notice, inspection, 催告, windows, enforcement). */
  dueAt: isoDateTime.optional(),
  deadlines: z
    .strictObject({
      persuasion: deadlineSchema.optional(),
      notice: deadlineSchema.optional(),
      inspection: deadlineSchema.optional(),
      urge: deadlineSchema.optional(),
      announcement: deadlineSchema.optional(),
      reconsideration: deadlineSchema.optional(),
      litigation: deadlineSchema.optional(),
      enforcement: deadlineSchema.optional(),
      /** 送达: when the office must have recorded the service of the document the workflow waits on. */
      service: deadlineSchema.optional(),
    })
    .default({}),
  notice: noticeSchema.optional(),
  /** 送达 of the 强制执行决定书 and 公告: absent while the decision is made but not yet served. */
  decisionService: serviceSchema.optional(),
  enforcementAt: isoDateTime.optional(),
  pendingCallback: pendingCallbackSchema.optional(),
  /** The name of the workflow execution carrying the case now (to stop it on dismissal or appeal). */
  execution: z.string().max(80).optional(),
  /** How many times the workflow was resumed after it stopped (names each resumed execution). */
  resumeRound: z.number().int().min(1).optional(),
  /** How many appeals were resolved upheld (names each after-appeal execution). */
  appealRound: z.number().int().min(1).optional(),
  possibleDuplicates: z.array(caseId).default([]),
  attention: z
    .strictObject({
      reason: z.string(),
      at: isoDateTime,
      /** The document whose service is overdue, when that is what the flag asks a person to do. */
      unserved: z.enum(SERVED_DOCUMENTS).optional(),
    })
    .optional(),
  areaRemovedM2: z.number().min(0).optional(),
  closedAt: isoDateTime.optional(),
  /** When the case first entered each status: the facts a work-summary report counts. */
  milestones: z.partialRecord(z.enum(CASE_STATUSES), isoDateTime).default({}),
  lastSeq: z.number().int().min(1),
  lastHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

/** One entry in a case's append-only history. */
export const caseEventSchema = z.strictObject({
  caseId,
  seq: z.number().int().min(1),
  type: z.enum(EVENT_TYPES),
  at: isoDateTime,
  actor: actorSchema,
  /** Status after the event. */
  status: z.enum(CASE_STATUSES),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CaseEvent = z.infer<typeof caseEventSchema>;
