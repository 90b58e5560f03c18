/**
 * What `GET /digests/verification` finds, in words an auditor reads: the kind of rewrite and, in Chinese,
 * what happened to which record. The API gives its reasons in English prose (functions/domain/digest.ts,
 * functions/domain/chain.ts); a reason this console does not know is kept as the API wrote it.
 * No Preact here, so plain tests can read it.
 */
import type { Lang } from './translator';
import { formatTime } from './time';

export type CaseFindingKind =
  'event-edited' | 'chain-recomputed' | 'head-rewritten' | 'events-removed' | 'link-broken' | 'case-removed' | 'other';

export type DigestProblemKind =
  | 'digest-altered'
  | 'digest-unsigned'
  | 'digest-removed'
  | 'digest-replaced'
  | 'digest-moved'
  | 'period-gap'
  | 'not-a-digest'
  | 'other';

export interface Described<K extends string> {
  kind: K;
  title: string;
  /** What happened, in the reader's language; in English the API's own sentence. */
  text: string;
}

type Explain = (match: RegExpExecArray, time: (iso: string | undefined) => string) => string;

const CASE_KINDS: Record<CaseFindingKind, [string, string]> = {
  'event-edited': ['锚定后记录被修改', 'Event edited after anchoring'],
  'chain-recomputed': ['记录链被重算', 'History rewritten and its hashes recomputed'],
  'head-rewritten': ['案件链头被改写', 'Head rewritten'],
  'events-removed': ['记录被删除', 'Events removed'],
  'link-broken': ['记录被替换', 'Event replaced'],
  'case-removed': ['案件被删除', 'Case removed'],
  other: ['记录与锚定不符', 'History does not match its anchor'],
};

const DIGEST_KINDS: Record<DigestProblemKind, [string, string]> = {
  'digest-altered': ['锚定文件被改动', 'Digest altered'],
  'digest-unsigned': ['锚定文件缺少签名', 'Digest unsigned'],
  'digest-removed': ['锚定文件被删除', 'Digest removed'],
  'digest-replaced': ['锚定文件被替换', 'Digest replaced'],
  'digest-moved': ['锚定文件位置不符', 'Digest stored at the wrong place'],
  'period-gap': ['锚定期间不衔接', 'Periods do not join'],
  'not-a-digest': ['不是锚定文件', 'Not a digest file'],
  other: ['锚定文件有问题', 'Digest problem'],
};

const CASE_REASONS: [RegExp, CaseFindingKind, Explain][] = [
  [
    /^event (\d+) was altered: its content does not match its hash$/,
    'event-edited',
    (m) => `第 ${m[1]} 条记录在锚定后被修改：其内容与其哈希不符。`,
  ],
  [
    /^event (\d+) does not match the head (\S+) anchored on (\S+): the history up to it was rewritten after it was anchored$/,
    'chain-recomputed',
    (m) =>
      `第 ${m[1]} 条及之前的记录在锚定后被改写，哈希随之重算，仅凭数据表自身的校验已看不出；它与锚定时签名的链头不符。`,
  ],
  [
    /^event (\d+) does not match the hash recorded on the case$/,
    'head-rewritten',
    (m) => `案件上记载的链头被改写：与第 ${m[1]} 条记录的哈希不符。`,
  ],
  [
    /^event (\d+) is not recorded on the case$/,
    'head-rewritten',
    (m) => `案件上记载的链头被改写：第 ${m[1]} 条记录已存在，链头却停在它之前。`,
  ],
  [
    /^event (\d+), which (\S+) anchored on (\S+), is no longer in the history$/,
    'events-removed',
    (m) => `锚定的第 ${m[1]} 条记录已不在历史中：记录被删除。`,
  ],
  [
    /^event (\d+) is missing \(next stored is (\d+)\)$/,
    'events-removed',
    (m) => `第 ${m[1]} 条记录缺失（其后存有第 ${m[2]} 条）：记录被删除。`,
  ],
  [
    /^event (\d+) is missing \(the case records (\d+) events\)$/,
    'events-removed',
    (m) => `第 ${m[1]} 条记录缺失（案件记载共 ${m[2]} 条）：末尾的记录被删除。`,
  ],
  [
    /^event (\d+) is out of order \(expected (\d+)\)$/,
    'events-removed',
    (m) => `第 ${m[1]} 条记录出现在第 ${m[2]} 条的位置：记录被删除或顺序被改动。`,
  ],
  [
    /^event (\d+) does not link to event (\d+)$/,
    'link-broken',
    (m) => `第 ${m[1]} 条记录与第 ${m[2]} 条的链接断开：其中一条被替换。`,
  ],
  [
    /^the case is gone from the table; (\S+) anchored it at event (\d+)$/,
    'case-removed',
    (m) => `案件已从数据表中删除；记录锚定 ${m[1]} 曾锚定其第 ${m[2]} 条记录。`,
  ],
];

const DIGEST_REASONS: [RegExp, DigestProblemKind, Explain][] = [
  [/^the digest carries no signature$/, 'digest-unsigned', () => '文件没有签名。'],
  [/^the signature does not hold/, 'digest-altered', () => '签名校验不通过：文件在签名后被改动，或由其他密钥签名。'],
  [/^the digest is not a (\S+) file$/, 'not-a-digest', (m) => `文件不是 ${m[1]} 格式的记录锚定。`],
  [
    /^the digest is number (\d+) of the chain but is stored at another key$/,
    'digest-moved',
    (m) => `文件内容是第 ${m[1]} 份，却存放在别的位置：被移动或替换。`,
  ],
  [
    /^the digest names no previous digest, yet (\S+) is stored before it$/,
    'digest-replaced',
    (m) => `文件未指向前一份，但其前存有 ${m[1]}：锚定链被替换。`,
  ],
  [
    /^the digest is number (\d+) but names no previous digest$/,
    'digest-removed',
    (m) => `文件是第 ${m[1]} 份，却未指向前一份：此前的锚定文件缺失。`,
  ],
  [
    /^the digest names (\S+) as the previous digest, which is missing \(the one stored before it is (\S+)\)$/,
    'digest-removed',
    (m) => `文件指向的前一份 ${m[1]} 缺失（其前存的是 ${m[2]}）：锚定文件被删除。`,
  ],
  [
    /^the digest names (\S+) as the previous digest, which is missing$/,
    'digest-removed',
    (m) => `文件指向的前一份 ${m[1]} 缺失：锚定文件被删除。`,
  ],
  [
    /^the previous digest (\S+) is not the file this digest signed \(its SHA-256 differs\)$/,
    'digest-replaced',
    (m) => `前一份 ${m[1]} 已不是本文件签名时的那份（SHA-256 不同）：被改动或替换。`,
  ],
  [
    /^the period starts at (\S+), not where (\S+) ended \((\S+)\)$/,
    'period-gap',
    (m, time) => `期间起点 ${time(m[1])} 与 ${m[2]} 的终点 ${time(m[3])} 不衔接。`,
  ],
];

function describe<K extends string>(
  reason: string,
  lang: Lang,
  reasons: [RegExp, K, Explain][],
  kinds: Record<K | 'other', [string, string]>,
): Described<K | 'other'> {
  const time = (iso: string | undefined) => `北京时间 ${formatTime(iso, 'zh')}`;
  for (const [pattern, kind, explain] of reasons) {
    const match = pattern.exec(reason);
    if (!match) continue;
    const [zh, en] = kinds[kind];
    return lang === 'zh' ? { kind, title: zh, text: explain(match, time) } : { kind, title: en, text: reason };
  }
  const [zh, en] = kinds.other;
  return { kind: 'other', title: lang === 'zh' ? zh : en, text: reason };
}

/** A case the verification names: what was rewritten, from the API's reason. */
export function describeCaseFinding(reason: string, lang: Lang): Described<CaseFindingKind> {
  return describe<CaseFindingKind>(reason, lang, CASE_REASONS, CASE_KINDS);
}

/** A digest whose signature or link fails: altered, removed, replaced. */
export function describeDigestProblem(reason: string, lang: Lang): Described<DigestProblemKind> {
  return describe<DigestProblemKind>(reason, lang, DIGEST_REASONS, DIGEST_KINDS);
}
