/**
 * The emails Rectify sends, rendered from the case record and a few facts: subject, plain text and HTML,
 * Chinese first with an English part. Pure functions (no AWS), so every message can be checked without
 * sending it.
 *
 * Safety: every value that comes from a case (description, address, names, notes) is cleaned of control
 * and bidirectional-override characters, clipped to a sane length and HTML-escaped; the HTML layout
 * escapes everything it prints, fixed wording included, so no case text can become markup.
 */
import * as z from 'zod';
import type { CaseRecord } from '#domain/schemas';
import { isoDate, isoDateTime } from '#domain/schemas';
import type { Period } from '#domain/policy';
import { PERIOD_UNITS_ZH, periodSchema } from '#domain/policy';
import { formatShanghai } from '#domain/shanghai-time';
import type {
  AppealKind,
  Category,
  DismissalReason,
  InspectionResult,
  ServiceMethod,
  Severity,
} from '#domain/vocabulary';
import {
  APPEAL_KINDS,
  DISMISSAL_REASONS,
  INSPECTION_RESULTS,
  SERVED_DOCUMENTS,
  STATUS_LABELS_ZH,
} from '#domain/vocabulary';
import type { MailKind } from '#domain/mail-vocabulary';
import type { MailRequest } from './mailer';

/** What a rendered email holds (addresses are added by the mailer). */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /**
   * `CONSOLE_URL`: links point to the console's case page, `<consoleUrl>/cases/<id>`. Without it the
   * email names the case and the `rectify` command that opens it (the JSON API is no page for a person).
   */
  consoleUrl?: string;
}

/**
 * Facts a workflow step passes with a mail request, for what is not on the case item. Every one is
 * optional; unknown keys are ignored. Malformed values are refused (a bug in the caller, not in the case).
 */
export const mailFactsSchema = z
  .object({
    /** escalation: the inspection that found the structure still standing. */
    inspectionResult: z.enum(INSPECTION_RESULTS).optional(),
    inspectedAt: isoDateTime.optional(),
    inspector: z.string().optional(),
    inspectionNotes: z.string().optional(),
    areaRemovedM2: z.number().min(0).optional(),
    /** notice-copy: when the reminder before the deadline is due. */
    reminderAt: isoDateTime.optional(),
    /** notice-copy, notice-to-party: the notice's period (amount and unit), which runs from its service. */
    noticePeriodAmount: periodSchema.shape.amount.optional(),
    noticePeriodUnit: periodSchema.shape.unit.optional(),
    /** service-overdue: the document not yet recorded as served, and when its service was due. */
    serviceDocument: z.enum(SERVED_DOCUMENTS).optional(),
    serviceDueAt: isoDateTime.optional(),
    /** inspection-overdue: when the inspection was due (defaults to the case's pending callback). */
    inspectionDueAt: isoDateTime.optional(),
    /** appeal-hold: the appeal that stopped the procedure. */
    appealKind: z.enum(APPEAL_KINDS).optional(),
    appealAuthority: z.string().optional(),
    appealReference: z.string().optional(),
    appealFiledOn: isoDate.optional(),
    /** workflow-failure: the step that failed and why. */
    step: z.string().optional(),
    cause: z.string().optional(),
    /** workflow-failure raised by an email that could not be delivered. */
    failedMailId: z.string().optional(),
    failedKind: z.string().optional(),
    failedRecipient: z.string().optional(),
    /** case-dismissed: why, in the officer's words, and the case it duplicates. */
    dismissalReason: z.enum(DISMISSAL_REASONS).optional(),
    dismissalExplanation: z.string().optional(),
    duplicateOf: z.string().optional(),
    /** deadline-extended: the deadline before the extension, the days added, why and who approved it. */
    previousDeadlineAt: isoDateTime.optional(),
    extraDays: z.number().int().min(0).optional(),
    extensionReason: z.string().optional(),
    approver: z.string().optional(),
    /** appeal-resolved: the outcome of the 复议/诉讼. */
    appealOutcome: z.enum(['upheld', 'revoked']).optional(),
    appealResolvedOn: isoDate.optional(),
    appealSummary: z.string().optional(),
    /** enforcement-completed: the enforcement team's record. */
    completedAt: isoDateTime.optional(),
    teamLead: z.string().optional(),
    enforcementNotes: z.string().optional(),
  })
  .loose();
type MailFacts = z.infer<typeof mailFactsSchema>;

// ---------------------------------------------------------------------------------------------------
// Text hygiene

// C0/C1 controls except tab and newline, and the characters that reorder text (bidi embeddings,
// overrides, isolates and marks): a case description must not be able to make a link or a deadline
// read differently from what it is.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Longest stretch of case text quoted in an email; the case page has the rest. */
export const MAX_QUOTED_CHARACTERS = 800;
const MAX_SUBJECT_PLACE_CHARACTERS = 40;

/** Case text made safe to quote: no control or reordering characters, normalised line ends. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(UNSAFE_CHARACTERS, '').trim();
}

/** At most `max` characters (whole code points, so no surrogate pair is cut), with an ellipsis if cut. */
export function clip(value: string, max: number): string {
  const codePoints = Array.from(value);
  return codePoints.length <= max ? value : `${codePoints.slice(0, max).join('')}…`;
}

function oneLine(value: string): string {
  return cleanText(value).replace(/\s*\n\s*/g, ' ');
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

// ---------------------------------------------------------------------------------------------------
// Words

/** A fixed phrase in both languages. */
interface Bilingual {
  zh: string;
  en: string;
}
const both = (zh: string, en: string): Bilingual => ({ zh, en });
const same = (value: string): Bilingual => ({ zh: value, en: value });

const CATEGORY: Record<Category, Bilingual> = {
  'unit-internal': both('单位内部', 'inside a work unit'),
  'resident-built': both('居民自建', 'built by a resident'),
  other: both('其他', 'other'),
};
const SEVERITY: Record<Severity, Bilingual> = {
  minor: both('轻微', 'minor'),
  moderate: both('一般', 'moderate'),
  serious: both('严重', 'serious'),
};
const SERVICE_METHOD: Record<ServiceMethod, Bilingual> = {
  direct: both('直接送达', 'handed over in person'),
  'left-at-premises': both('留置送达', 'left at the premises'),
  post: both('邮寄送达', 'by post'),
  announcement: both('公告送达', 'by public announcement'),
  electronic: both('电子送达', 'electronically'),
};
const INSPECTION_RESULT: Record<InspectionResult, Bilingual> = {
  demolished: both('已全部拆除', 'demolished'),
  'partially-demolished': both('部分拆除', 'partially demolished'),
  'not-demolished': both('未拆除', 'not demolished'),
};
const APPEAL_KIND: Record<AppealKind, Bilingual> = {
  reconsideration: both('行政复议', 'administrative reconsideration (复议)'),
  litigation: both('行政诉讼', 'administrative litigation (诉讼)'),
};

const DISMISSAL_REASON: Record<DismissalReason, Bilingual> = {
  'not-a-violation': both('不属于违法建设', 'not an illegal construction'),
  duplicate: both('重复登记', 'a duplicate of another case'),
  withdrawn: both('撤回', 'withdrawn'),
  'representation-accepted': both('当事人陈述申辩成立', "the party's representation (陈述申辩) was accepted"),
  'appeal-revoked': both('复议/诉讼撤销原决定', 'the decision was revoked on appeal'),
  other: both('其他', 'other'),
};
const APPEAL_OUTCOME = {
  upheld: both('维持原决定', 'the decision was upheld'),
  revoked: both('原决定被撤销', 'the decision was revoked'),
} as const;

const NOTHING_MORE = both('无需再采取行动。', 'No further action is needed.');

interface DeadlineLike {
  at: string;
  provisional?: boolean;
}

/** `2026-12-10 23:59 (北京时间 UTC+8)` / `2026-12-10 23:59 (Beijing time, UTC+8)`, marked when provisional. */
function when(deadline: DeadlineLike | string): Bilingual {
  const at = typeof deadline === 'string' ? deadline : deadline.at;
  const provisional = typeof deadline !== 'string' && deadline.provisional === true;
  const zh = formatShanghai(at);
  const en = `${zh.slice(0, 16)} (Beijing time, UTC+8)`;
  return provisional ? both(`${zh}（暂定）`, `${en} (provisional)`) : both(zh, en);
}

/** A Shanghai calendar date as printed on documents. */
function onDate(date: string): Bilingual {
  return both(date, date);
}

const PERIOD_UNITS_EN: Record<Period['unit'], string> = {
  'calendar-days': 'days',
  'working-days': 'working days',
  months: 'months',
};

/** The document whose service starts a period, as a period's wording names it. */
interface ServedPaper {
  /** 送达之日起 is preceded by the document's name, if any: 自决定书送达之日起. */
  zh: string;
  /** "if served on the day of …" */
  issuedOn: string;
}
const NOTICE_PAPER: ServedPaper = { zh: '', issuedOn: 'issue' };
const DECISION_PAPER: ServedPaper = { zh: '决定书', issuedOn: 'the decision' };

/**
 * A period that runs from a document's service, stated before the service is recorded: the period, and
 * its end only as what it is if the document is served on the day it is issued.
 */
function fromService(period: Period | undefined, paper: ServedPaper, ifServedThatDay: DeadlineLike): Bilingual {
  const end = when(ifServedThatDay);
  if (!period)
    return both(
      `自${paper.zh}送达之日起计算（当日送达的，至 ${end.zh}）`,
      `counted from service (if served on the day of ${paper.issuedOn}: ${end.en})`,
    );
  return both(
    `自${paper.zh}送达之日起 ${period.amount} ${PERIOD_UNITS_ZH[period.unit]}（当日送达的，至 ${end.zh}）`,
    `${period.amount} ${PERIOD_UNITS_EN[period.unit]} from service (if served on the day of ${paper.issuedOn}: ${end.en})`,
  );
}

// ---------------------------------------------------------------------------------------------------
// The message model every kind fills in, and the two layouts that print it

interface Fact {
  label: Bilingual;
  value: Bilingual;
  /** Multi-line case text (a description, notes) rather than a one-line value. */
  block?: boolean;
}

interface Message {
  subject: Bilingual;
  /** Whom the email addresses (case text, escaped). */
  greeting: Bilingual;
  intro: Bilingual;
  facts: Fact[];
  next?: Bilingual;
  /** Extra paragraphs, e.g. the party's rights. */
  notes?: Bilingual[];
  /** Internal recipients get a link to the case; the responsible party cannot open it. */
  link: boolean;
}

const PROVISIONAL_WARNING = both(
  '注意：标有“暂定”的期限所在年度的法定节假日安排尚未公布，暂按周末计算工作日，公布后可能调整。',
  'Note: deadlines marked provisional fall in a year whose statutory holiday schedule has not been published yet; working days were counted with weekends only and the date may change once the schedule is published.',
);

/** Where an internal email sends its reader: the console's case page, or the command that shows the case. */
type CaseReference = { kind: 'link'; url: string } | { kind: 'command'; caseId: string };

function caseReference(record: CaseRecord, options: RenderOptions): CaseReference {
  if (!options.consoleUrl) return { kind: 'command', caseId: record.id };
  return { kind: 'link', url: `${options.consoleUrl.replace(/\/+$/, '')}/cases/${encodeURIComponent(record.id)}` };
}

/** `案件：<id>（命令行查看：npx rectify show <id>；办理记录：npx rectify history <id>）` and its English. */
function commandLine(caseId: string, lang: keyof Bilingual): string {
  return lang === 'zh'
    ? `案件：${caseId}（命令行查看：npx rectify show ${caseId}；办理记录：npx rectify history ${caseId}）`
    : `Case: ${caseId} (from the command line: npx rectify show ${caseId}; its history: npx rectify history ${caseId})`;
}

function place(record: CaseRecord): string {
  const { subdistrict, community, address } = record.location;
  return oneLine(`${subdistrict} ${community} ${address}`);
}

function noticeNumber(record: CaseRecord): Bilingual {
  return record.notice ? same(record.notice.number) : both('（尚未下达）', '(not issued yet)');
}

/** The facts every internal email starts with. */
function caseFacts(record: CaseRecord): Fact[] {
  return [
    { label: both('案件编号', 'Case number'), value: same(record.id) },
    { label: both('通知书编号', 'Notice number'), value: noticeNumber(record) },
    { label: both('地址', 'Address'), value: same(clip(place(record), MAX_QUOTED_CHARACTERS)) },
    {
      label: both('类别', 'Category'),
      value: both(
        `${CATEGORY[record.category].zh}，${SEVERITY[record.severity].zh}`,
        `${CATEGORY[record.category].en}, ${SEVERITY[record.severity].en}`,
      ),
    },
    { label: both('面积', 'Area'), value: same(`${record.areaM2} m²`) },
    {
      label: both('违法建设情况', 'Description'),
      value: same(clip(cleanText(record.description), MAX_QUOTED_CHARACTERS)),
      block: true,
    },
    { label: both('当事人', 'Responsible party'), value: same(clip(oneLine(record.responsibleParty.name), 100)) },
  ];
}

function noticePeriodOf(facts: MailFacts): Period | undefined {
  const { noticePeriodAmount: amount, noticePeriodUnit: unit } = facts;
  return amount === undefined || unit === undefined ? undefined : { amount, unit };
}

/** The notice's deadline: the date once served; before that, its period from service. */
function noticeDeadlineValue(notice: NonNullable<CaseRecord['notice']>, period: Period | undefined): Bilingual {
  return notice.service ? when(notice.deadline) : fromService(period, NOTICE_PAPER, notice.deadline);
}

function noticeFacts(record: CaseRecord, period?: Period): Fact[] {
  const notice = record.notice;
  if (!notice) return [];
  return [
    { label: both('下达时间', 'Issued'), value: when(notice.issuedAt) },
    {
      label: both('送达', 'Served'),
      value: notice.service
        ? both(
            `${SERVICE_METHOD[notice.service.method].zh}，${notice.service.servedOn}`,
            `${SERVICE_METHOD[notice.service.method].en}, ${notice.service.servedOn}`,
          )
        : both('已下达，尚未送达（期限自送达之日起计算）', 'issued, not yet served (the deadline runs from service)'),
    },
    { label: both('整改期限', 'Deadline'), value: noticeDeadlineValue(notice, period) },
    ...(notice.extensionCount > 0
      ? [
          {
            label: both('延期', 'Extended'),
            value: both(
              `${notice.extensionCount} 次，共 ${notice.extendedDays} 日`,
              `${notice.extensionCount} time(s), ${notice.extendedDays} day(s) in all`,
            ),
          },
        ]
      : []),
  ];
}

function subdistrictGreeting(record: CaseRecord): Bilingual {
  const office = clip(oneLine(record.location.subdistrict), 64);
  return both(`${office}办事处：`, `To the ${office} sub-district office,`);
}

function subjectPlace(record: CaseRecord): string {
  return clip(place(record), MAX_SUBJECT_PLACE_CHARACTERS);
}

/** The party's phone, for the office that has to reach them (internal emails only). */
function partyPhone(record: CaseRecord): Fact[] {
  return fact(both('当事人电话', "Party's phone"), quoted(record.responsibleParty.phone, 40));
}

const ORDERED = both(
  '限期自行拆除违法建设，恢复原状',
  'demolish the illegal construction and restore the site by the deadline',
);

function fact(label: Bilingual, value: Bilingual | undefined): Fact[] {
  return value ? [{ label, value }] : [];
}

function quoted(value: string | undefined, max = MAX_QUOTED_CHARACTERS): Bilingual | undefined {
  return value === undefined || cleanText(value) === '' ? undefined : same(clip(oneLine(value), max));
}

// ---------------------------------------------------------------------------------------------------
// The kinds

type Composer = (record: CaseRecord, facts: MailFacts) => Message;

const COMPOSERS: Record<MailKind, Composer> = {
  'notice-copy': (record, facts) => {
    const deadline = record.notice?.deadline;
    const number = record.notice?.number ?? record.id;
    return {
      subject: both(`【限期拆除通知书】${number} ${subjectPlace(record)}`, `Rectification notice ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both(
        '已对下列违法建设下达限期拆除通知书（《城乡规划法》第六十四条、第六十八条），现抄送贵办。',
        'A rectification notice ordering demolition by a deadline (Urban and Rural Planning Law §64, §68) has been issued for the illegal construction below. This is your copy.',
      ),
      facts: [
        ...caseFacts(record),
        { label: both('责令事项', 'Ordered'), value: ORDERED },
        ...noticeFacts(record, noticePeriodOf(facts)),
        ...fact(both('期限前提醒', 'Reminder'), facts.reminderAt ? when(facts.reminderAt) : undefined),
      ],
      next: !deadline
        ? undefined
        : record.notice?.service
          ? both(
              `期限届满（${when(deadline).zh}）后进行复查；逾期未拆除的，将上报贵办并依法催告。`,
              `The site is inspected after the deadline (${when(deadline).en}). If the structure still stands, the case is escalated to your office and a formal demand (催告书) follows.`,
            )
          : both(
              '期限自送达之日起计算，届满后进行复查；逾期未拆除的，将上报贵办并依法催告。请及时送达并在系统中录入送达情况。',
              'The period runs from service; the site is inspected once it has passed. If the structure still stands, the case is escalated to your office and a formal demand (催告书) follows. Please serve the notice and record its service promptly.',
            ),
      link: true,
    };
  },

  'notice-to-party': (record, facts) => {
    const deadline = record.notice && noticeDeadlineValue(record.notice, noticePeriodOf(facts));
    const number = record.notice?.number ?? record.id;
    const name = clip(oneLine(record.responsibleParty.name), 100);
    return {
      subject: both(`限期拆除通知书 ${number}`, `Notice to demolish ${number}`),
      greeting: both(`${name}：`, `Dear ${name},`),
      intro: record.notice?.service
        ? both(
            '经查，您的下列建设属违法建设。依据《中华人民共和国城乡规划法》第六十四条，责令您在下列期限前自行拆除，恢复原状。',
            'The construction below has been found to be illegal. Under Article 64 of the Urban and Rural Planning Law of the PRC you are ordered to demolish it yourself and restore the site by the deadline below.',
          )
        : both(
            '经查，您的下列建设属违法建设。依据《中华人民共和国城乡规划法》第六十四条，责令您自本通知书送达之日起在下列期限内自行拆除，恢复原状。',
            'The construction below has been found to be illegal. Under Article 64 of the Urban and Rural Planning Law of the PRC you are ordered to demolish it yourself and restore the site within the period below, counted from the day this notice is served on you.',
          ),
      facts: [
        { label: both('通知书编号', 'Notice number'), value: noticeNumber(record) },
        { label: both('案件编号', 'Case number'), value: same(record.id) },
        { label: both('地址', 'Address'), value: same(clip(place(record), MAX_QUOTED_CHARACTERS)) },
        {
          label: both('违法建设情况', 'Description'),
          value: same(clip(cleanText(record.description), MAX_QUOTED_CHARACTERS)),
          block: true,
        },
        { label: both('面积', 'Area'), value: same(`${record.areaM2} m²`) },
        ...(deadline ? [{ label: both('拆除期限', 'Deadline'), value: deadline }] : []),
      ],
      next: both(
        '期限届满后将进行复查；逾期未拆除的，将依法催告，并可依法强制拆除。',
        'The site will be inspected after the deadline. If the structure has not been removed, a formal demand follows and it may be demolished by enforcement as the law provides.',
      ),
      notes: [
        both(
          '如对本通知不服，可以自收到之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。',
          'If you disagree with this notice you may apply for administrative reconsideration within 60 days of receiving it, or bring an administrative lawsuit within 6 months.',
        ),
        both(
          '本邮件为送达通知书的电子副本，以书面通知书为准。',
          'This email is an electronic copy; the written notice served on you prevails.',
        ),
      ],
      link: false,
    };
  },

  reminder: (record) => {
    const deadline = record.notice?.deadline;
    const number = record.notice?.number ?? record.id;
    return {
      subject: both(
        `【期限提醒】${number} 将于 ${deadline?.date ?? '—'} 到期 ${subjectPlace(record)}`,
        `Deadline reminder: ${number} falls due on ${deadline?.date ?? '—'}`,
      ),
      greeting: subdistrictGreeting(record),
      intro: both(
        '下列限期拆除通知书的期限即将届满，请督促当事人按期自行拆除。',
        'The deadline of the rectification notice below is approaching. Please urge the responsible party to demolish the structure in time.',
      ),
      facts: [...caseFacts(record), { label: both('责令事项', 'Ordered'), value: ORDERED }, ...noticeFacts(record)],
      next: deadline
        ? both(
            `期限届满（${when(deadline).zh}）后进行复查；逾期未拆除的，将上报贵办并依法催告。`,
            `The site is inspected after the deadline (${when(deadline).en}); if the structure still stands, the case is escalated to your office.`,
          )
        : undefined,
      link: true,
    };
  },

  escalation: (record, facts) => {
    const number = record.notice?.number ?? record.id;
    const urge = record.deadlines.urge;
    const result = facts.inspectionResult
      ? INSPECTION_RESULT[facts.inspectionResult]
      : both('未按时复查', 'no inspection was recorded in time');
    return {
      subject: both(
        `【逾期未拆除·上报】${number} ${subjectPlace(record)}`,
        `Escalation: ${number} not demolished by the deadline`,
      ),
      greeting: subdistrictGreeting(record),
      intro: both(
        '下列违法建设经责令限期拆除，期限届满后仍未拆除，现上报贵办。',
        'The illegal construction below was ordered to be demolished by a deadline that has passed, and it still stands. The case is escalated to your office.',
      ),
      facts: [
        ...caseFacts(record),
        { label: both('责令事项', 'Ordered'), value: ORDERED },
        ...noticeFacts(record),
        ...partyPhone(record),
        { label: both('复查结果', 'Inspection result'), value: result },
        ...fact(both('复查时间', 'Inspected'), facts.inspectedAt ? when(facts.inspectedAt) : undefined),
        ...fact(both('复查人', 'Inspector'), quoted(facts.inspector, 100)),
        ...fact(
          both('已拆除面积', 'Area removed'),
          facts.areaRemovedM2 !== undefined ? same(`${facts.areaRemovedM2} m²`) : undefined,
        ),
        ...(quoted(facts.inspectionNotes)
          ? [
              {
                label: both('复查说明', 'Inspection notes'),
                value: same(clip(cleanText(facts.inspectionNotes ?? ''), MAX_QUOTED_CHARACTERS)),
                block: true,
              },
            ]
          : []),
        ...fact(both('催告期限', 'Demand period ends'), urge ? when(urge) : undefined),
      ],
      next: urge
        ? both(
            `依法向当事人送达催告书；当事人可在 ${when(urge).zh} 前进行陈述、申辩（《行政强制法》第三十五条、第三十六条）。期满仍不履行的，将依法作出强制执行决定。`,
            `A formal demand (催告书) is served on the party, who may state their case and defend it (陈述申辩) until ${when(urge).en} (Administrative Coercion Law §35–36). If they still do not comply, an enforcement decision follows.`,
          )
        : both(
            '依法向当事人送达催告书，当事人有权进行陈述、申辩（《行政强制法》第三十五条、第三十六条）；期满仍不履行的，将依法作出强制执行决定。',
            'A formal demand (催告书) is served on the party, who may state their case and defend it (Administrative Coercion Law §35–36); if they still do not comply, an enforcement decision follows.',
          ),
      link: true,
    };
  },

  'service-overdue': (record, facts) => {
    const number = record.notice?.number ?? record.id;
    const decision =
      (facts.serviceDocument ?? (record.status === 'ENFORCEMENT_DECIDED' ? 'enforcement-decision' : 'notice')) ===
      'enforcement-decision';
    const document = decision
      ? both('强制执行决定书及强制拆除公告', 'enforcement decision and its announcement')
      : both('限期拆除通知书', 'rectification notice');
    const periods = decision
      ? both(
          '公告期限及申请复议、提起诉讼的期限',
          'The announcement period and the reconsideration and litigation windows',
        )
      : both('整改期限', 'The notice deadline');
    const due = facts.serviceDueAt ?? record.pendingCallback?.dueAt ?? record.deadlines.service?.at;
    return {
      subject: both(`【送达提醒】${number} ${subjectPlace(record)}`, `Service not recorded: ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both(
        `下列案件的${document.zh}尚未录入送达情况。`,
        `No service has been recorded for the ${document.en} of the case below.`,
      ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('应录入送达时间', 'Service was due'), due ? when(due) : undefined),
      ],
      next: both(
        `${periods.zh}自送达之日起计算，未送达前不起算。请尽快依法送达，并在系统中录入送达方式、日期及送达回证；案件已标记为需人工处理。`,
        `${periods.en} run from the day the party is served and do not start before. Please serve the document and record the method, the date and the signed proof of service (送达回证); the case is flagged for attention.`,
      ),
      link: true,
    };
  },

  'inspection-overdue': (record, facts) => {
    const number = record.notice?.number ?? record.id;
    const due = facts.inspectionDueAt ?? record.pendingCallback?.dueAt ?? record.deadlines.inspection?.at;
    return {
      subject: both(`【复查逾期】${number} ${subjectPlace(record)}`, `Inspection overdue: ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both(
        '下列案件的整改期限已届满，但复查结果未在规定时间内录入。',
        'The deadline of the case below has passed, but no inspection result was recorded in the time allowed.',
      ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('应复查时间', 'Inspection was due'), due ? when(due) : undefined),
      ],
      next: both(
        '请尽快安排复查并在系统中录入复查结果；案件已按逾期未复查上报。',
        'Please inspect the site and record the result without delay; the case has been escalated as not inspected in time.',
      ),
      link: true,
    };
  },

  'enforcement-decided': (record) => {
    // The windows (the district's policy sets them) run from the decision's service; before it is recorded,
    // their ends are as if served that day.
    const appealWindow = (end: DeadlineLike) =>
      record.decisionService ? when(end) : fromService(undefined, DECISION_PAPER, end);
    const number = record.notice?.number ?? record.id;
    const { announcement, reconsideration, litigation } = record.deadlines;
    const windowsEnd = [reconsideration, litigation]
      .filter((d) => d !== undefined)
      .sort((a, b) => (a.at < b.at ? 1 : -1))[0];
    return {
      subject: both(`【强制执行决定】${number} ${subjectPlace(record)}`, `Enforcement decided: ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both(
        '已对下列违法建设依法作出强制执行决定（《行政强制法》第三十七条），并发布强制拆除公告，限期当事人自行拆除（第四十四条）。',
        'An enforcement decision has been made for the illegal construction below (Administrative Coercion Law §37), and a public announcement gives the party a last period to demolish it themselves (§44).',
      ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('公告自行拆除期限', 'Announcement period ends'), announcement ? when(announcement) : undefined),
        ...fact(
          both('申请行政复议期限', 'Reconsideration window ends'),
          reconsideration ? appealWindow(reconsideration) : undefined,
        ),
        ...fact(both('提起行政诉讼期限', 'Litigation window ends'), litigation ? appealWindow(litigation) : undefined),
      ],
      next: !windowsEnd
        ? both(
            '复议、诉讼期限届满后，将在工作日安排强制拆除。',
            'Forced demolition is scheduled on a working day once the appeal windows have passed.',
          )
        : record.decisionService
          ? both(
              `公告期限届满，且当事人在 ${when(windowsEnd).zh} 前未申请行政复议或提起行政诉讼的，将在其后的工作日安排强制拆除。`,
              `Once the announcement period has ended and no reconsideration or lawsuit has been filed by ${when(windowsEnd).en}, forced demolition is scheduled on a working day after that.`,
            )
          : both(
              `各期限自决定书送达之日起计算（当日送达的，至 ${when(windowsEnd).zh}）。公告期限届满，且当事人在期限内未申请行政复议或提起行政诉讼的，将在其后的工作日安排强制拆除。请及时送达决定书并在系统中录入送达情况。`,
              `Each window runs from the decision's service (if served on the day of the decision: until ${when(windowsEnd).en}). Once the announcement period has ended and no reconsideration or lawsuit has been filed in time, forced demolition is scheduled on a working day after that. Please serve the decision and record its service promptly.`,
            ),
      link: true,
    };
  },

  'enforcement-scheduled': (record) => {
    const number = record.notice?.number ?? record.id;
    const at = record.enforcementAt;
    const due = record.deadlines.enforcement;
    return {
      subject: both(
        `【强制拆除安排】${at ? formatShanghai(at).slice(0, 10) : ''} ${number} ${subjectPlace(record)}`.replace(
          /\s+/g,
          ' ',
        ),
        `Forced demolition scheduled: ${number}${at ? ` on ${formatShanghai(at).slice(0, 10)}` : ''}`,
      ),
      greeting: subdistrictGreeting(record),
      intro: both(
        '下列违法建设已安排强制拆除（工作日日间实施，《行政强制法》第四十三条）。',
        'Forced demolition of the illegal construction below has been scheduled (on a working day, in daytime: Administrative Coercion Law §43).',
      ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('强制拆除时间', 'Demolition at'), at ? when(at) : undefined),
        ...fact(both('完成登记期限', 'Completion to be recorded by'), due ? when(due) : undefined),
      ],
      next: both(
        `执行完毕后由执行人员在系统中登记${due ? `（${when(due).zh} 前）` : ''}；当事人申请行政复议或提起行政诉讼的，案件中止。`,
        `The enforcement team records the demolition once done${due ? ` (by ${when(due).en})` : ''}. If the party files an appeal, the case is put on hold.`,
      ),
      link: true,
    };
  },

  'enforcement-overdue': (record) => {
    const number = record.notice?.number ?? record.id;
    const at = record.enforcementAt;
    const due = record.deadlines.enforcement?.at ?? record.pendingCallback?.dueAt;
    return {
      subject: both(`【强制拆除未登记】${number} ${subjectPlace(record)}`, `Forced demolition not recorded: ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both(
        '下列案件已安排强制拆除，但未在规定时间内登记完成。',
        'Forced demolition was scheduled for the case below, but its completion was not recorded in the time allowed.',
      ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('强制拆除时间', 'Demolition was scheduled for'), at ? when(at) : undefined),
        ...fact(both('应登记时间', 'Completion was due'), due ? when(due) : undefined),
      ],
      next: both(
        '请执行人员尽快在系统中登记强制拆除结果，或联系承办部门重新安排。',
        'Please have the enforcement team record the result, or arrange a new date with the department in charge.',
      ),
      link: true,
    };
  },

  'appeal-hold': (record, facts) => {
    const number = record.notice?.number ?? record.id;
    return {
      subject: both(`【复议/诉讼中止】${number} ${subjectPlace(record)}`, `Case on hold, appeal filed: ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both(
        '当事人对下列案件申请了行政复议或提起了行政诉讼，案件中止执行。',
        'The party has appealed in the case below (reconsideration or lawsuit); enforcement is on hold.',
      ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('类型', 'Appeal'), facts.appealKind ? APPEAL_KIND[facts.appealKind] : undefined),
        ...fact(both('受理机关', 'Authority'), quoted(facts.appealAuthority, 200)),
        ...fact(both('文号', 'Reference'), quoted(facts.appealReference, 100)),
        ...fact(both('申请日期', 'Filed on'), facts.appealFiledOn ? onDate(facts.appealFiledOn) : undefined),
      ],
      next: both(
        '待复议或诉讼结果登记后继续：决定被维持的，重新安排强制执行；被撤销的，案件撤销。',
        'The case resumes when the outcome is recorded: if the decision is upheld, enforcement is scheduled again; if it is revoked, the case is dismissed.',
      ),
      link: true,
    };
  },

  'deadline-extended': (record, facts) => {
    const number = record.notice?.number ?? record.id;
    const deadline = record.notice?.deadline;
    return {
      subject: both(
        `【延期】${number} 新期限 ${deadline?.date ?? '—'} ${subjectPlace(record)}`,
        `Deadline extended: ${number} now falls due on ${deadline?.date ?? '—'}`,
      ),
      greeting: subdistrictGreeting(record),
      intro: both(
        '下列限期拆除通知书的期限已经批准延长。',
        'The deadline of the rectification notice below has been extended.',
      ),
      facts: [
        ...caseFacts(record),
        { label: both('责令事项', 'Ordered'), value: ORDERED },
        ...noticeFacts(record),
        ...fact(
          both('原期限', 'Previous deadline'),
          facts.previousDeadlineAt ? when(facts.previousDeadlineAt) : undefined,
        ),
        ...fact(
          both('延长', 'Extended by'),
          facts.extraDays !== undefined ? both(`${facts.extraDays} 日`, `${facts.extraDays} day(s)`) : undefined,
        ),
        ...fact(both('延期理由', 'Reason'), quoted(facts.extensionReason)),
        ...fact(both('批准人', 'Approved by'), quoted(facts.approver, 100)),
      ],
      next: deadline
        ? both(
            `新期限届满（${when(deadline).zh}）后进行复查；逾期未拆除的，将上报贵办并依法催告。`,
            `The site is inspected after the new deadline (${when(deadline).en}); if the structure still stands, the case is escalated to your office.`,
          )
        : undefined,
      link: true,
    };
  },

  'case-dismissed': (record, facts) => {
    const number = record.notice?.number ?? record.id;
    return {
      subject: both(`【案件撤销】${number} ${subjectPlace(record)}`, `Case dismissed: ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both('下列案件已撤销，处理程序终止。', 'The case below has been dismissed; its procedure has ended.'),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(
          both('撤销理由', 'Reason'),
          facts.dismissalReason ? DISMISSAL_REASON[facts.dismissalReason] : undefined,
        ),
        ...(quoted(facts.dismissalExplanation)
          ? [
              {
                label: both('说明', 'Explanation'),
                value: same(clip(cleanText(facts.dismissalExplanation ?? ''), MAX_QUOTED_CHARACTERS)),
                block: true,
              },
            ]
          : []),
        ...fact(both('重复案件', 'Duplicate of'), quoted(facts.duplicateOf, 60)),
        { label: both('撤销时间', 'Dismissed'), value: when(record.updatedAt) },
      ],
      next: both(
        '此前就本案发给贵办的通知、上报不再执行，无需再采取行动。',
        'What earlier emails told your office about this case no longer applies; no further action is needed.',
      ),
      link: true,
    };
  },

  'case-closed': (record) => {
    const number = record.notice?.number ?? record.id;
    const enforced = record.milestones.ENFORCED !== undefined;
    return {
      subject: enforced
        ? both(
            `【结案·已强制拆除】${number} ${subjectPlace(record)}`,
            `Case closed, demolished by enforcement: ${number}`,
          )
        : both(
            `【结案·已自行拆除】${number} ${subjectPlace(record)}`,
            `Case closed, demolished by the party: ${number}`,
          ),
      greeting: subdistrictGreeting(record),
      intro: enforced
        ? both(
            '下列违法建设已强制拆除，案件已结案。',
            'The illegal construction below was demolished by enforcement; the case is closed.',
          )
        : both(
            '经复查，下列违法建设已由当事人自行拆除，案件已结案。',
            'The inspection found the illegal construction below demolished by the party; the case is closed.',
          ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(
          both('已拆除面积', 'Area removed'),
          record.areaRemovedM2 !== undefined ? same(`${record.areaRemovedM2} m²`) : undefined,
        ),
        ...fact(both('结案时间', 'Closed'), record.closedAt ? when(record.closedAt) : undefined),
      ],
      next: NOTHING_MORE,
      link: true,
    };
  },

  'appeal-resolved': (record, facts) => {
    const number = record.notice?.number ?? record.id;
    const revoked = facts.appealOutcome === 'revoked';
    return {
      subject: revoked
        ? both(
            `【复议/诉讼结果·撤销】${number} ${subjectPlace(record)}`,
            `Appeal resolved, decision revoked: ${number}`,
          )
        : both(
            `【复议/诉讼结果·恢复执行】${number} ${subjectPlace(record)}`,
            `Appeal resolved, enforcement resumes: ${number}`,
          ),
      greeting: subdistrictGreeting(record),
      intro: revoked
        ? both(
            '下列案件的行政复议或行政诉讼已有结果：原决定被撤销，案件撤销，不再执行。',
            'The appeal in the case below has been decided: the decision was revoked, and the case is dismissed.',
          )
        : both(
            '下列案件的行政复议或行政诉讼已有结果：原决定被维持，中止解除，案件恢复执行。',
            'The appeal in the case below has been decided: the decision was upheld, the hold is released and enforcement resumes.',
          ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('结果', 'Outcome'), facts.appealOutcome ? APPEAL_OUTCOME[facts.appealOutcome] : undefined),
        ...fact(both('决定日期', 'Decided on'), facts.appealResolvedOn ? onDate(facts.appealResolvedOn) : undefined),
        ...fact(both('文号', 'Reference'), quoted(facts.appealReference, 100)),
        ...fact(both('摘要', 'Summary'), quoted(facts.appealSummary)),
      ],
      next: revoked
        ? NOTHING_MORE
        : both(
            '公告及复议、诉讼期限届满后，将在工作日安排强制拆除，届时另行通知贵办。',
            'Forced demolition is scheduled on a working day once the announcement and appeal windows have passed; your office is told the date then.',
          ),
      link: true,
    };
  },

  'enforcement-completed': (record, facts) => {
    const number = record.notice?.number ?? record.id;
    return {
      subject: both(`【强制拆除完成】${number} ${subjectPlace(record)}`, `Forced demolition done: ${number}`),
      greeting: subdistrictGreeting(record),
      intro: both(
        '下列违法建设已依法强制拆除，执行人员已登记完成。',
        'The illegal construction below has been demolished by enforcement, as recorded by the enforcement team.',
      ),
      facts: [
        ...caseFacts(record),
        ...noticeFacts(record),
        ...fact(both('强制拆除时间', 'Scheduled for'), record.enforcementAt ? when(record.enforcementAt) : undefined),
        ...fact(both('完成时间', 'Completed'), facts.completedAt ? when(facts.completedAt) : undefined),
        ...fact(both('带队负责人', 'Team lead'), quoted(facts.teamLead, 100)),
        ...fact(
          both('拆除面积', 'Area removed'),
          facts.areaRemovedM2 !== undefined ? same(`${facts.areaRemovedM2} m²`) : undefined,
        ),
        ...(quoted(facts.enforcementNotes)
          ? [
              {
                label: both('说明', 'Notes'),
                value: same(clip(cleanText(facts.enforcementNotes ?? ''), MAX_QUOTED_CHARACTERS)),
                block: true,
              },
            ]
          : []),
      ],
      next: both('案件随即结案，无需再采取行动。', 'The case is closed next; no further action is needed.'),
      link: true,
    };
  },

  'workflow-failure': (record, facts) => {
    const failedEmail = facts.failedMailId !== undefined;
    return {
      subject: both(`【系统告警】案件 ${record.id} 需人工处理`, `Alert: case ${record.id} needs attention`),
      greeting: subdistrictGreeting(record),
      intro: failedEmail
        ? both(
            '下列案件的一封邮件未能确认送达（发送结果未知，或被拒收）。',
            'An email of the case below could not be confirmed as delivered (the result of sending it is unknown, or it was refused).',
          )
        : both(
            '下列案件的流程步骤执行失败，案件已标记为需关注。',
            'A workflow step of the case below failed; the case is flagged for attention.',
          ),
      facts: [
        { label: both('案件编号', 'Case number'), value: same(record.id) },
        { label: both('通知书编号', 'Notice number'), value: noticeNumber(record) },
        { label: both('地址', 'Address'), value: same(clip(place(record), MAX_QUOTED_CHARACTERS)) },
        {
          label: both('当前状态', 'Status'),
          value: both(`${STATUS_LABELS_ZH[record.status]}（${record.status}）`, record.status),
        },
        ...fact(both('失败步骤', 'Failed step'), quoted(facts.step, 200)),
        ...fact(both('原因', 'Cause'), quoted(facts.cause)),
        ...fact(both('邮件', 'Email'), quoted(facts.failedKind, 100)),
        ...fact(both('收件人', 'Recipient'), quoted(facts.failedRecipient, 254)),
        ...fact(both('邮件编号', 'Email id'), quoted(facts.failedMailId, 300)),
      ],
      next: failedEmail
        ? both(
            '请与收件人核实是否收到；未收到的，请人工转发或补发。',
            'Please check with the recipient whether it arrived, and forward or resend it by hand if it did not.',
          )
        : both(
            '请检查案件并处理；处理完成前，流程不会自动继续。',
            'Please review the case and resolve the failure; the workflow will not continue on its own until then.',
          ),
      link: true,
    };
  },
};

// ---------------------------------------------------------------------------------------------------
// Layouts

function hasProvisional(record: CaseRecord): boolean {
  return Object.values(record.deadlines).some((d) => d?.provisional) || record.notice?.deadline.provisional === true;
}

function textPart(
  message: Message,
  lang: keyof Bilingual,
  link: CaseReference | undefined,
  provisional: boolean,
): string {
  const lines: string[] = [message.greeting[lang], '', message.intro[lang], ''];
  for (const f of message.facts) {
    if (f.block)
      lines.push(`${f.label[lang]}${lang === 'zh' ? '：' : ':'}`, ...f.value[lang].split('\n').map((l) => `  ${l}`));
    else lines.push(`${f.label[lang]}${lang === 'zh' ? '：' : ': '}${f.value[lang]}`);
  }
  if (message.next) lines.push('', `${lang === 'zh' ? '下一步：' : 'Next: '}${message.next[lang]}`);
  for (const note of message.notes ?? []) lines.push('', note[lang]);
  if (provisional) lines.push('', PROVISIONAL_WARNING[lang]);
  if (link?.kind === 'link') lines.push('', `${lang === 'zh' ? '案件链接：' : 'Case: '}${link.url}`);
  if (link?.kind === 'command') lines.push('', commandLine(link.caseId, lang));
  return lines.join('\n');
}

const STYLE = {
  body: 'font-family: -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; font-size: 14px; line-height: 1.6; color: #1f2328; max-width: 720px;',
  table: 'border-collapse: collapse; width: 100%; table-layout: fixed;',
  label:
    'text-align: left; vertical-align: top; padding: 4px 12px 4px 0; width: 28%; color: #57606a; font-weight: normal;',
  // Long unbroken case text must wrap instead of stretching the message.
  value: 'vertical-align: top; padding: 4px 0; overflow-wrap: anywhere; word-break: break-word; white-space: pre-wrap;',
  next: 'background: #fff8c5; padding: 8px 12px;',
  warning: 'color: #9a6700;',
};

function htmlPart(
  message: Message,
  lang: keyof Bilingual,
  link: CaseReference | undefined,
  provisional: boolean,
): string {
  const e = escapeHtml;
  const rows = message.facts
    .map(
      (f) =>
        `<tr><th scope="row" style="${STYLE.label}">${e(f.label[lang])}</th><td style="${STYLE.value}">${e(f.value[lang])}</td></tr>`,
    )
    .join('\n');
  const parts = [
    `<p>${e(message.greeting[lang])}</p>`,
    `<p>${e(message.intro[lang])}</p>`,
    `<table style="${STYLE.table}">\n${rows}\n</table>`,
    message.next
      ? `<p style="${STYLE.next}"><strong>${lang === 'zh' ? '下一步' : 'Next'}</strong>${lang === 'zh' ? '：' : ': '}${e(message.next[lang])}</p>`
      : '',
    ...(message.notes ?? []).map((n) => `<p>${e(n[lang])}</p>`),
    provisional ? `<p style="${STYLE.warning}">${e(PROVISIONAL_WARNING[lang])}</p>` : '',
    link?.kind === 'link'
      ? `<p>${lang === 'zh' ? '案件链接' : 'Case'}${lang === 'zh' ? '：' : ': '}<a href="${e(link.url)}">${e(link.url)}</a></p>`
      : '',
    link?.kind === 'command' ? `<p>${e(commandLine(link.caseId, lang))}</p>` : '',
  ];
  return `<div lang="${lang === 'zh' ? 'zh-CN' : 'en'}">\n${parts.filter(Boolean).join('\n')}\n</div>`;
}

const POSSIBLE_REPEAT_SUBJECT = '【可能重复 Possible repeat】';

function possibleRepeatNotice(mailId: string): Bilingual {
  return both(
    `【可能重复】本邮件上一次发送的结果未能确认，系统再次发送以确保送达。如已收到邮件编号相同（${mailId}）的邮件，两封内容相同，请以先收到的为准。`,
    `[Possible repeat] This email may be a repeat: the result of an earlier attempt to send it is unknown, so it was sent again to make sure it arrives. If you already have an email with the same email id (${mailId}), both say the same; keep the first.`,
  );
}

/**
 * The email as sent again after an attempt whose outcome is unknown: the subject and the first lines
 * say it may be a repeat and name the email id the two copies share.
 */
export function markPossibleRepeat(mail: RenderedMail, mailId: string): RenderedMail {
  const notice = possibleRepeatNotice(mailId);
  const paragraph = `<p style="${STYLE.warning}">${escapeHtml(notice.zh)}<br>${escapeHtml(notice.en)}</p>`;
  return {
    subject: `${POSSIBLE_REPEAT_SUBJECT}${mail.subject}`,
    text: `${notice.zh}\n${notice.en}\n\n${mail.text}`,
    html: mail.html.replace(/<body([^>]*)>/, (open) => `${open}\n${paragraph}`),
  };
}

const FOOTER = both(
  '本邮件由违法建设案件管理系统（Rectify）自动发送，请勿直接回复。',
  'Sent automatically by Rectify, the illegal-construction case system. Please do not reply to this email.',
);

/** Renders one email of `kind` for the case; `facts` are validated here. */
export function renderMail(
  request: Pick<MailRequest, 'kind' | 'caseRecord' | 'facts'>,
  options: RenderOptions,
): RenderedMail {
  const facts = mailFactsSchema.parse(request.facts ?? {});
  const record = request.caseRecord;
  const message = COMPOSERS[request.kind](record, facts);
  const link = message.link ? caseReference(record, options) : undefined;
  const provisional = hasProvisional(record);
  const subject = oneLine(`${message.subject.zh} / ${message.subject.en}`);
  const text = [
    textPart(message, 'zh', link, provisional),
    '',
    '— English —',
    '',
    textPart(message, 'en', link, provisional),
    '',
    '--',
    FOOTER.zh,
    FOOTER.en,
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="${STYLE.body}">`,
    htmlPart(message, 'zh', link, provisional),
    '<hr>',
    htmlPart(message, 'en', link, provisional),
    `<p style="color: #57606a; font-size: 12px;">${escapeHtml(FOOTER.zh)}<br>${escapeHtml(FOOTER.en)}</p>`,
    '</body>',
    '</html>',
  ].join('\n');
  return { subject, text, html };
}
