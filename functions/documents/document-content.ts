/**
 * What each procedural document says, as plain data: the issuing office, the number, the party, the
 * construction, the legal basis, what must be done by when (Beijing time), the party's rights. Pure, so
 * the wording is checked without rendering; `render-pdf.ts` lays it out.
 */
import type { DocumentKind } from '#domain/documents';
import type { Period } from '#domain/policy';
import { PERIOD_UNITS_ZH } from '#domain/policy';
import { DOCUMENT_TITLES, documentNumber } from '#domain/documents';
import { chineseDate, chineseDateTime } from './chinese-date';

/** The office that issues a sub-district's documents and the bodies a party may turn to. */
export interface IssuingOffice {
  /** 例：重庆市沙坪坝区小龙坎街道办事处 */
  name: string;
  /** 行政复议机关, e.g. 重庆市沙坪坝区人民政府; unnamed: "依法" without a name. */
  reconsiderationAuthority?: string;
  /** 管辖法院, e.g. 重庆市沙坪坝区人民法院; unnamed: "人民法院". */
  court?: string;
}

const MATERIAL_ZH: Record<string, string> = {
  'brick-concrete': '砖混结构',
  'reinforced-concrete': '钢筋混凝土结构',
  steel: '钢结构',
  'color-steel-sheet': '彩钢板房',
  timber: '木结构',
  temporary: '临时搭建',
  other: '其他结构',
};

/** The facts a document states, gathered from the case and its events. */
export interface DocumentFacts {
  kind: DocumentKind;
  caseId: string;
  issuer: IssuingOffice;
  /** When the document was issued (the event that issued it). */
  issuedAt: string;
  noticeNumber: string;
  noticeIssuedAt: string;
  party: { name: string; unit?: string; phone?: string };
  location: { subdistrict: string; community: string; address: string };
  structure: { areaM2: number; floors?: number; material?: string };
  description: string;
  /** What must be done by when: the notice deadline, the 催告 period's end, the 公告 period's end. */
  deadlineAt: string;
  /**
   * The notice: its period, which runs from its service. The notice is issued before it is served, so it
   * states the period, and `deadlineAt` only as the end if served on the day of issue.
   */
  noticePeriod?: Period;
  /** The 决定书: the first day forced demolition may be carried out. */
  earliestEnforcementAt?: string;
  /** The 催告书 and what follows: when the demand was issued. */
  demandIssuedAt?: string;
  /** The 公告: when the enforcement decision was made. */
  decisionIssuedAt?: string;
}

export interface DocumentField {
  label: string;
  value: string;
}

export interface DocumentContent {
  kind: DocumentKind;
  issuer: string;
  title: string;
  number: string;
  /** The party's particulars, one per line. */
  fields: DocumentField[];
  /** The body, one paragraph each. */
  body: string[];
  /** 当事人的权利, one each. */
  rights: string[];
  /** The signature block: office and date, above the seal. */
  signedBy: string;
  signedOn: string;
  /** 送达回证: the receipt of service to be signed, one row each. */
  receipt: DocumentField[];
}

// A document's text is case data: no control characters, one line where it is a field.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const clean = (value: string) => value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();

function partyName(party: DocumentFacts['party']): string {
  return party.unit ? `${clean(party.name)}（${clean(party.unit)}）` : clean(party.name);
}

function placeOf(location: DocumentFacts['location']): string {
  return [location.subdistrict, location.community, location.address].map(clean).join(' ');
}

function structureOf(structure: DocumentFacts['structure']): string {
  const material = structure.material ? (MATERIAL_ZH[structure.material] ?? '') : '';
  const floors = structure.floors ? `${structure.floors}层` : '';
  return [material, floors, `建筑面积约${structure.areaM2}平方米`].filter(Boolean).join('，');
}

/** `10个工作日`, `15日`, `6个月`. */
function periodOf(period: Period): string {
  return `${period.amount}${PERIOD_UNITS_ZH[period.unit]}`;
}

const LAW_PLANNING = '《中华人民共和国城乡规划法》';
const LAW_COERCION = '《中华人民共和国行政强制法》';

/** 陈述申辩, 复议 within 60 days, 诉讼 within 6 months — counted from receipt, which service records. */
function rightsOf(facts: DocumentFacts, documentName: string): string[] {
  const authority = facts.issuer.reconsiderationAuthority
    ? `向${clean(facts.issuer.reconsiderationAuthority)}`
    : '依法';
  const court = facts.issuer.court ? clean(facts.issuer.court) : '人民法院';
  return [
    `你（单位）有权进行陈述和申辩，可以向本机关书面或者口头提出；本机关将充分听取你（单位）的意见，对提出的事实、理由和证据进行记录、复核（${LAW_COERCION}第八条、第三十六条）。`,
    `如不服本${documentName}，可以自收到本${documentName}之日起六十日内${authority}申请行政复议。`,
    `也可以自收到本${documentName}之日起六个月内向${court}提起行政诉讼。`,
  ];
}

function bodyOf(facts: DocumentFacts): string[] {
  const place = placeOf(facts.location);
  const deadline = `${chineseDateTime(facts.deadlineAt)}（北京时间）`;
  const notice = `${facts.noticeNumber}号《限期拆除通知书》`;
  const noticeOn = chineseDate(facts.noticeIssuedAt);
  switch (facts.kind) {
    case 'notice':
      return [
        `经查，你（单位）在${place}的建设（${clean(facts.description)}）未取得建设工程规划许可证或者未按照建设工程规划许可证的规定进行建设，属于违法建设。`,
        facts.noticePeriod
          ? `依据${LAW_PLANNING}第六十四条（在乡、村庄规划区内的，第六十五条）的规定，现责令你（单位）立即停止建设，并自本通知书送达之日起${periodOf(facts.noticePeriod)}内自行拆除上述违法建设，恢复原状（本通知书于下达当日送达的，期限至${deadline}届满）。`
          : `依据${LAW_PLANNING}第六十四条（在乡、村庄规划区内的，第六十五条）的规定，现责令你（单位）立即停止建设，并于${deadline}前自行拆除上述违法建设，恢复原状。`,
        `逾期不拆除的，本机关将依据${LAW_PLANNING}第六十八条和${LAW_COERCION}的规定依法催告并强制拆除。`,
      ];
    case 'demand':
      return [
        `本机关已于${noticeOn}以${notice}责令你（单位）限期自行拆除在${place}的违法建设。经复查，你（单位）逾期未拆除。`,
        `依据${LAW_COERCION}第三十五条和${LAW_PLANNING}第六十八条的规定，现催告你（单位）于${deadline}前自行拆除上述违法建设，恢复原状。`,
        `逾期仍不履行且无正当理由的，本机关将依据${LAW_COERCION}第三十七条的规定作出强制执行决定。`,
      ];
    case 'decision': {
      const demandOn = facts.demandIssuedAt ? `于${chineseDate(facts.demandIssuedAt)}` : '';
      const earliest = facts.earliestEnforcementAt ? chineseDate(facts.earliestEnforcementAt) : '';
      return [
        `本机关于${noticeOn}以${notice}责令你（单位）限期自行拆除在${place}的违法建设，并${demandOn}以${documentNumber('demand', facts.noticeNumber)}号《催告书》催告履行。你（单位）在催告期限内仍未履行，且无正当理由。`,
        `依据${LAW_PLANNING}第六十八条和${LAW_COERCION}第三十七条的规定，本机关决定对上述违法建设实施强制拆除。`,
        `强制执行的方式：强制拆除。强制执行的时间：公告期限届满（${deadline}）后，且你（单位）自收到本决定书之日起六十日内未申请行政复议、六个月内未提起行政诉讼的，择工作日白天实施，不在夜间或者法定节假日实施（${LAW_COERCION}第四十三条）${earliest ? `；本决定书于作出当日送达的，最早自${earliest}起` : ''}。`,
      ];
    }
    case 'announcement': {
      const decision = `${documentNumber('decision', facts.noticeNumber)}号《强制执行决定书》`;
      const decidedOn = facts.decisionIssuedAt ? `于${chineseDate(facts.decisionIssuedAt)}` : '';
      return [
        `${partyName(facts.party)}在${place}的建设（${structureOf(facts.structure)}）属于违法建设，经限期拆除和催告，当事人逾期仍未拆除。本机关已${decidedOn}依法作出${decision}。`,
        `依据${LAW_COERCION}第四十四条和${LAW_PLANNING}第六十八条的规定，现予公告：限当事人于${deadline}前自行拆除上述违法建设。`,
        `当事人在法定期限内不申请行政复议或者提起行政诉讼，又不拆除的，本机关将依法强制拆除。`,
        '特此公告。',
      ];
    }
  }
}

const DOCUMENT_NAMES: Record<DocumentKind, string> = {
  notice: '通知书',
  demand: '催告书',
  decision: '决定书',
  announcement: '公告',
};

/** The document a kind of event issues, worded from its facts. */
export function documentContent(facts: DocumentFacts): DocumentContent {
  const title = DOCUMENT_TITLES[facts.kind];
  const number = documentNumber(facts.kind, facts.noticeNumber);
  const fields: DocumentField[] = [
    { label: '当事人', value: partyName(facts.party) },
    ...(facts.party.phone ? [{ label: '联系电话', value: clean(facts.party.phone) }] : []),
    { label: '违法建设地址', value: placeOf(facts.location) },
    { label: '建筑情况', value: structureOf(facts.structure) },
    { label: '案件编号', value: facts.caseId },
  ];
  return {
    kind: facts.kind,
    issuer: clean(facts.issuer.name),
    title,
    number,
    fields,
    body: bodyOf(facts),
    rights: rightsOf(facts, DOCUMENT_NAMES[facts.kind]),
    signedBy: clean(facts.issuer.name),
    signedOn: chineseDate(facts.issuedAt),
    receipt: [
      { label: '送达文书', value: `${title}（${number}）` },
      { label: '受送达人', value: partyName(facts.party) },
      { label: '送达地点', value: placeOf(facts.location) },
      { label: '送达方式', value: '□ 直接送达　□ 留置送达　□ 邮寄送达　□ 公告送达' },
      { label: '受送达人签名或盖章', value: '\n\n　　　　　　　　　　　　　　　　年　　月　　日' },
      { label: '送达人签名', value: '\n\n　　　　　　　　　　　　　　　　年　　月　　日' },
      { label: '见证人签名（留置送达时）', value: '\n\n' },
      { label: '备注', value: '\n' },
    ],
  };
}
