import {
  APPEAL_KINDS,
  CATEGORIES,
  DISMISSAL_REASONS,
  INSPECTION_RESULTS,
  MATERIALS,
  ROLES,
  SERVICE_METHODS,
  SEVERITIES,
} from '#domain/vocabulary';
import { translator } from '../../console/src/translator';
import { readSurvey } from '#domain/survey-file';
import type { ProblemKind } from '#api/problem';
import { HttpProblem } from '#api/problem';

const zh = translator('zh');

describe("the console's Chinese words for the API's vocabulary", () => {
  it.each([
    ['categories', CATEGORIES],
    ['severities', SEVERITIES],
    ['materials', MATERIALS],
    ['inspection results', INSPECTION_RESULTS],
    ['service methods', SERVICE_METHODS],
    ['dismissal reasons', DISMISSAL_REASONS],
    ['appeal kinds', APPEAL_KINDS],
    ['roles', ROLES],
    // What closing and the policy record in events (functions/tasks/steps/closing.ts, domain/policy.ts).
    ['closing outcomes', ['self-demolished', 'enforced']],
    ['period units', ['calendar-days', 'working-days', 'months']],
  ])('name every one of the %s in Chinese', (_name, values: readonly string[]) => {
    const untranslated = values.filter((value) => !/[\u4e00-\u9fff]/.test(zh.term(value)));
    expect(untranslated).toEqual([]);
  });
});

describe("the console's Chinese for the reasons a field is refused", () => {
  const chinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

  it('translates every reason the survey reader gives for a bad file', async () => {
    const header = '街道,社区,地址,纬度,类别,严重程度,情况描述,面积(㎡),层数,结构,当事人,联系电话,上报人,发现日期';
    const good = '小龙坎街道,解放坡社区,上土湾1号,,居民自建,一般,加建,20,1,砖混,张某,13800000000,李四,2026-11-20';
    const garbled = new TextDecoder('gbk').decode(Buffer.from('上土湾七十号', 'utf8'));
    const rows = [
      good,
      good, // duplicate of row 2
      '小龙坎街道,解放坡社区,,95,别的,一般,加建,约八平方,0,砖混,张某,12345,李四,2099-01-01',
      `小龙坎街道,解放坡社区,${garbled},,居民自建,一般,加建,20,1,砖混,张某,13800000000,李四,2026-11-20`,
    ];
    const parsed = await readSurvey(Buffer.from([header, ...rows].join('\n')), new Date('2026-11-25T00:00:00Z'));
    const missingColumn = await readSurvey(Buffer.from('街道\n小龙坎街道\n'), new Date());
    const reasons = [...parsed.errors, ...missingColumn.errors].map((e) => e.reason);
    expect(reasons.length).toBeGreaterThan(8);
    expect(reasons.filter((reason) => !chinese(zh.reason(reason)))).toEqual([]);
  });

  it('translates the reasons the API gives next to a field', () => {
    const reasons = [
      'is required',
      'is not a known field',
      'must be a whole number',
      'must be a number',
      'must be a mainland China mobile or landline number',
      'must be 0 or at least 0.000000001 in size',
      'must not be in the future',
      'must not be in the future (today is 2026-12-03 in Asia/Shanghai)',
      'must be greater than 0',
      'must be at most 200 characters',
      'must be a working day (notice deadlines fall on working days); 2026-12-05 is a rest day, the next working day is 2026-12-07',
      'Too small: expected string to have >=1 characters',
      'Invalid option: expected one of "minor"|"moderate"|"serious"',
    ];
    expect(reasons.filter((reason) => !chinese(zh.reason(reason)))).toEqual([]);
    expect(zh.reason('must be between -90 and 90')).toBe('须在 -90 至 90 之间');
    expect(translator('en').reason('is required')).toBe('is required');
  });
});

describe('problem details in the reader’s language', () => {
  /** Every kind of problem the API answers (the compiler keeps this list whole). */
  const KINDS = Object.keys({
    'invalid-input': true,
    unauthenticated: true,
    forbidden: true,
    'not-found': true,
    'method-not-allowed': true,
    'transition-not-allowed': true,
    'version-conflict': true,
    'request-in-flight': true,
    'payload-too-large': true,
    'unsupported-media-type': true,
    'idempotency-key-reused': true,
    throttled: true,
    internal: true,
    'dependency-unavailable': true,
  } satisfies Record<ProblemKind, true>) as ProblemKind[];
  const englishDetail = 'An English sentence from the API';
  const problemOf = (kind: ProblemKind) =>
    new HttpProblem(kind, englishDetail, {
      part: 'DynamoDB',
      ...(kind === 'invalid-input'
        ? { errors: [{ field: 'responsibleParty.phone', in: 'body' as const, message: 'is required' }] }
        : {}),
    }).toProblem('/cases', 'req-1');

  it.each(KINDS)('says a %s problem in Chinese, with no English prose', (kind) => {
    const text = zh.problem(problemOf(kind));
    expect(text).toMatch(/[\u4e00-\u9fff]/);
    expect(text).not.toContain(englishDetail);
    expect(text).not.toContain(problemOf(kind).title);
  });

  it('names the fields, the part and the request in Chinese, and keeps the API’s words in English', () => {
    expect(zh.problem(problemOf('invalid-input'))).toBe('提交的内容有误 — 请检查：电话。');
    expect(zh.problem(problemOf('dependency-unavailable'))).toContain('暂不可用的服务：DynamoDB');
    expect(zh.problem(problemOf('internal'))).toContain('请求编号 req-1');
    expect(translator('en').problem(problemOf('not-found'))).toBe(`Not found — ${englishDetail}`);
  });

  it('translates the procedure’s reason for refusing an action', () => {
    const refused = new HttpProblem('transition-not-allowed', englishDetail, { reason: 'is required' }).toProblem();
    expect(zh.problem(refused)).toBe('案件当前状态不允许此操作 — 请按案件当前状态可办理的事项操作。 — 必填');
  });
});
