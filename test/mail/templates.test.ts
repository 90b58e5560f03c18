import type { CaseRecord } from '#domain/schemas';
import { formatShanghai } from '#domain/shanghai-time';
import { MAIL_KINDS } from '#domain/mail-vocabulary';
import { MAX_QUOTED_CHARACTERS, cleanText, clip, escapeHtml, renderMail } from '#mail/templates';
import { seedSubmission } from '../fixtures/submissions';
import type { CaseStages } from './stages';
import { caseThroughStages, recordFor } from './stages';

const OPTIONS = { consoleUrl: 'https://rectify.example.gov.cn/console/' };

/** The text without its English part, and the English part alone. */
function parts(text: string): { zh: string; en: string } {
  const [zh, en] = text.split('\n— English —\n');
  return { zh: zh ?? '', en: en ?? '' };
}

describe('email rendering', () => {
  let stages: CaseStages;
  beforeAll(async () => {
    stages = await caseThroughStages(undefined);
  });

  it.each(MAIL_KINDS.map((k) => [k]))(
    '%s carries the case number, notice number, address and deadlines in both languages',
    (kind) => {
      const record = recordFor(stages, kind);
      const mail = renderMail({ kind, caseRecord: record, facts: {} }, OPTIONS);
      const { zh, en } = parts(mail.text);
      const notice = record.notice;
      if (!notice) throw new Error('fixture has no notice');
      expect(mail.subject).toContain(kind === 'workflow-failure' ? record.id : notice.number);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      for (const part of [zh, en]) {
        expect(part).toContain(record.id);
        expect(part).toContain(notice.number);
        expect(part).toContain('隆庆楼16号 屋顶');
      }
      expect(zh).toContain('小龙坎街道 解放坡社区');
      // Chinese first, then the English part.
      expect(mail.text.indexOf('案件编号')).toBeLessThan(mail.text.indexOf('Case number'));
      expect(mail.html.indexOf('lang="zh-CN"')).toBeLessThan(mail.html.indexOf('lang="en"'));
      expect(zh.includes(formatShanghai(notice.deadline.at))).toBe(kind !== 'workflow-failure');
      // Internal recipients get the link; the party cannot open the case page.
      const link = `https://rectify.example.gov.cn/console/cases/${record.id}`;
      const linked = kind !== 'notice-to-party';
      expect([zh.includes(link), en.includes(link), mail.html.includes(`href="${link}"`)]).toEqual([
        linked,
        linked,
        linked,
      ]);
    },
  );

  it.each(MAIL_KINDS.filter((k) => k !== 'notice-to-party').map((k) => [k]))(
    '%s without a console configured names the case and the rectify command that opens it, and links nowhere',
    (kind) => {
      const record = recordFor(stages, kind);
      const mail = renderMail({ kind, caseRecord: record, facts: {} }, {});
      const { zh, en } = parts(mail.text);
      expect(mail.text).not.toMatch(/https?:\/\//);
      expect(mail.html).not.toMatch(/<a /);
      expect(zh).toContain(
        `案件：${record.id}（命令行查看：npx rectify show ${record.id}；办理记录：npx rectify history ${record.id}）`,
      );
      expect(en).toContain(
        `Case: ${record.id} (from the command line: npx rectify show ${record.id}; its history: npx rectify history ${record.id})`,
      );
      expect(mail.html).toContain(`npx rectify show ${record.id}`);
    },
  );

  it('the party’s notice names no command either: the party has no access to the system', () => {
    const mail = renderMail({ kind: 'notice-to-party', caseRecord: stages.noticed }, {});
    expect(mail.text).not.toContain('npx rectify');
  });

  it('prints deadlines in Asia/Shanghai: a deadline ending at 15:59:59Z is 23:59 on that day in Beijing', () => {
    const record = stages.noticed;
    const deadline = record.notice?.deadline;
    if (!deadline) throw new Error('fixture has no notice');
    expect(deadline.at).toMatch(/T15:59:59\.999Z$/);
    const mail = renderMail({ kind: 'notice-copy', caseRecord: record }, OPTIONS);
    expect(mail.text).toContain(`${deadline.date} 23:59 (北京时间 UTC+8)`);
    expect(mail.text).toContain(`${deadline.date} 23:59 (Beijing time, UTC+8)`);
  });

  it('the notice copy says what was ordered, when, and what happens after the deadline', () => {
    const record = stages.noticed;
    const mail = renderMail(
      { kind: 'notice-copy', caseRecord: record, facts: { reminderAt: '2026-12-02T01:00:00.000Z' } },
      OPTIONS,
    );
    expect(mail.text).toContain('责令事项：限期自行拆除违法建设，恢复原状');
    expect(mail.text).toContain(`下达时间：${formatShanghai(record.notice?.issuedAt ?? '')}`);
    expect(mail.text).toContain('送达：直接送达');
    expect(mail.text).toContain('期限前提醒：2026-12-02 09:00 (北京时间 UTC+8)');
    expect(mail.text).toMatch(/下一步：期限届满（.+）后进行复查/);
    expect(mail.text).toMatch(/Next: The site is inspected after the deadline/);
  });

  it('a notice not yet served states its period from service, and the deadline only as what it is if served on the day of issue', () => {
    const served = stages.noticed;
    const notice = served.notice;
    if (!notice) throw new Error('fixture has no notice');
    const unserved: CaseRecord = { ...served, notice: { ...notice, service: undefined } };
    const facts = { noticePeriodAmount: 7, noticePeriodUnit: 'working-days' };
    const deadline = formatShanghai(notice.deadline.at);
    const copy = renderMail({ kind: 'notice-copy', caseRecord: unserved, facts }, OPTIONS);
    expect(copy.text).toContain(`整改期限：自送达之日起 7 个工作日（当日送达的，至 ${deadline}）`);
    expect(copy.text).toContain(
      `Deadline: 7 working days from service (if served on the day of issue: ${formatShanghai(notice.deadline.at).replace('北京时间 UTC+8', 'Beijing time, UTC+8')})`,
    );
    expect(copy.text).not.toContain(`整改期限：${deadline}`);
    expect(copy.text).toMatch(/下一步：期限自送达之日起计算，届满后进行复查/);
    const party = renderMail({ kind: 'notice-to-party', caseRecord: unserved, facts }, OPTIONS);
    expect(party.text).toContain('责令您自本通知书送达之日起在下列期限内自行拆除');
    expect(party.text).toContain(`拆除期限：自送达之日起 7 个工作日（当日送达的，至 ${deadline}）`);
    // Once served, the deadline counted from the service date is the deadline.
    const servedCopy = renderMail({ kind: 'notice-copy', caseRecord: served, facts }, OPTIONS);
    expect(servedCopy.text).toContain(`整改期限：${deadline}`);
    expect(servedCopy.text).toMatch(/下一步：期限届满（.+）后进行复查/);
  });

  it('an enforcement decision not yet served gives its appeal windows from service, the dates only as if served that day', () => {
    const record = stages.decided;
    const { reconsideration, litigation } = record.deadlines;
    if (!reconsideration || !litigation) throw new Error('fixture lacks deadlines');
    const unserved: CaseRecord = { ...record, decisionService: undefined };
    const mail = renderMail({ kind: 'enforcement-decided', caseRecord: unserved }, OPTIONS);
    const ifServedThatDay = (end: { at: string; provisional?: boolean }) =>
      `${formatShanghai(end.at)}${end.provisional ? '（暂定）' : ''}`;
    expect(mail.text).toContain(
      `申请行政复议期限：自决定书送达之日起计算（当日送达的，至 ${ifServedThatDay(reconsideration)}）`,
    );
    expect(mail.text).toContain(
      `提起行政诉讼期限：自决定书送达之日起计算（当日送达的，至 ${ifServedThatDay(litigation)}）`,
    );
    expect(mail.text).toContain('各期限自决定书送达之日起计算');
  });

  it('the escalation names the order, the inspection result and the 催告 period that follows', () => {
    const record = stages.escalated;
    const urge = record.deadlines.urge;
    if (!urge) throw new Error('fixture has no urge deadline');
    const mail = renderMail(
      {
        kind: 'escalation',
        caseRecord: record,
        facts: {
          inspectionResult: 'partially-demolished',
          inspectedAt: '2026-12-07T03:30:00Z',
          areaRemovedM2: 6,
          inspector: '王科员',
        },
      },
      OPTIONS,
    );
    expect(mail.text).toContain('复查结果：部分拆除');
    expect(mail.text).toContain('Inspection result: partially demolished');
    expect(mail.text).toContain('复查时间：2026-12-07 11:30 (北京时间 UTC+8)');
    expect(mail.text).toContain('已拆除面积：6 m²');
    expect(mail.text).toContain(`催告期限：${formatShanghai(urge.at)}`);
    expect(mail.text).toContain(`当事人可在 ${formatShanghai(urge.at)} 前进行陈述、申辩`);
  });

  it('an escalation without an inspection result says none was recorded in time', () => {
    const mail = renderMail({ kind: 'escalation', caseRecord: stages.escalated }, OPTIONS);
    expect(mail.text).toContain('复查结果：未按时复查');
  });

  it('the enforcement decision, once served, gives the announcement and appeal windows and the earliest enforcement', () => {
    const decidedOn = formatShanghai(stages.decided.updatedAt).slice(0, 10);
    const record: CaseRecord = { ...stages.decided, decisionService: { method: 'direct', servedOn: decidedOn } };
    const { announcement, reconsideration, litigation } = record.deadlines;
    if (!announcement || !reconsideration || !litigation) throw new Error('fixture lacks deadlines');
    const mail = renderMail({ kind: 'enforcement-decided', caseRecord: record }, OPTIONS);
    expect(mail.text).toContain(`公告自行拆除期限：${formatShanghai(announcement.at)}`);
    expect(mail.text).toContain(`申请行政复议期限：${formatShanghai(reconsideration.at)}`);
    expect(mail.text).toContain(`提起行政诉讼期限：${formatShanghai(litigation.at)}`);
    // The litigation window (6 months) is the later one: enforcement comes after it.
    expect(mail.text).toContain(
      `当事人在 ${formatShanghai(litigation.at)}${litigation.provisional ? '（暂定）' : ''} 前未申请行政复议或提起行政诉讼的`,
    );
  });

  it('the scheduled enforcement gives the day and time in Beijing', () => {
    const record = stages.scheduled;
    const mail = renderMail({ kind: 'enforcement-scheduled', caseRecord: record }, OPTIONS);
    expect(mail.text).toContain(`强制拆除时间：${formatShanghai(record.enforcementAt ?? '')}`);
    expect(formatShanghai(record.enforcementAt ?? '')).toMatch(/ 09:00 /);
    expect(mail.subject).toContain(formatShanghai(record.enforcementAt ?? '').slice(0, 10));
  });

  it('the appeal hold names the appeal', () => {
    const mail = renderMail(
      {
        kind: 'appeal-hold',
        caseRecord: stages.onHold,
        facts: {
          appealKind: 'litigation',
          appealAuthority: '沙坪坝区人民法院',
          appealReference: '(2027)渝0106行初12号',
          appealFiledOn: '2027-01-05',
        },
      },
      OPTIONS,
    );
    expect(mail.text).toContain('类型：行政诉讼');
    expect(mail.text).toContain('受理机关：沙坪坝区人民法院');
    expect(mail.text).toContain('申请日期：2027-01-05');
  });

  it('the escalation gives the party’s phone, so the office can reach them', () => {
    const mail = renderMail({ kind: 'escalation', caseRecord: stages.escalated }, OPTIONS);
    expect(mail.text).toContain('当事人电话：13800138000');
    expect(mail.text).toContain("Party's phone: 13800138000");
  });

  it('the dismissal tells the office the case ended, why, and that nothing more is needed', () => {
    const mail = renderMail(
      {
        kind: 'case-dismissed',
        caseRecord: stages.dismissed,
        facts: {
          dismissalReason: 'duplicate',
          dismissalExplanation: '与另一案件为同一处建设',
          duplicateOf: 'C-20261120-ABCDEF',
        },
      },
      OPTIONS,
    );
    expect(mail.subject).toMatch(/^【案件撤销】RN-2026-000012 .* \/ Case dismissed: RN-2026-000012$/);
    expect(mail.text).toContain('撤销理由：重复登记');
    expect(mail.text).toContain('Reason: a duplicate of another case');
    expect(mail.text).toContain('说明：\n  与另一案件为同一处建设');
    expect(mail.text).toContain('重复案件：C-20261120-ABCDEF');
    expect(mail.text).toContain('下一步：此前就本案发给贵办的通知、上报不再执行，无需再采取行动。');
    expect(mail.text).toContain(
      'Next: What earlier emails told your office about this case no longer applies; no further action is needed.',
    );
  });

  it('the extension gives the new deadline, the old one, the reason and who approved it', () => {
    const record = stages.extended;
    const mail = renderMail(
      {
        kind: 'deadline-extended',
        caseRecord: record,
        facts: {
          previousDeadlineAt: stages.noticed.notice?.deadline.at,
          extraDays: 10,
          extensionReason: '当事人申请，需调运拆除机械',
          approver: '李科长',
        },
      },
      OPTIONS,
    );
    const deadline = record.notice?.deadline;
    if (!deadline) throw new Error('fixture has no notice');
    expect(mail.subject).toContain(`【延期】RN-2026-000012 新期限 ${deadline.date}`);
    expect(mail.text).toContain(`整改期限：${formatShanghai(deadline.at)}`);
    expect(mail.text).toContain(`原期限：${formatShanghai(stages.noticed.notice?.deadline.at ?? '')}`);
    expect(mail.text).toContain('延长：10 日');
    expect(mail.text).toContain('延期理由：当事人申请，需调运拆除机械');
    expect(mail.text).toContain('批准人：李科长');
    expect(mail.text).toContain(`下一步：新期限届满（${formatShanghai(deadline.at)}）后进行复查`);
  });

  it('the close after self-demolition says the structure is gone, how much, and when the case closed', () => {
    const record = stages.closed;
    const mail = renderMail({ kind: 'case-closed', caseRecord: record }, OPTIONS);
    expect(mail.subject).toMatch(/^【结案·已自行拆除】RN-2026-000012/);
    expect(mail.text).toContain('经复查，下列违法建设已由当事人自行拆除，案件已结案。');
    expect(mail.text).toContain(`已拆除面积：${record.areaRemovedM2} m²`);
    expect(mail.text).toContain(`结案时间：${formatShanghai(record.closedAt ?? '')}`);
    expect(mail.text).toContain('Next: No further action is needed.');
  });

  it('the appeal resolution says whether enforcement resumes or the case ends', () => {
    const upheld = renderMail(
      {
        kind: 'appeal-resolved',
        caseRecord: stages.resolved,
        facts: {
          appealOutcome: 'upheld',
          appealResolvedOn: '2027-02-10',
          appealReference: '沙府复〔2027〕3号',
          appealSummary: '维持原强制执行决定',
        },
      },
      OPTIONS,
    );
    expect(upheld.subject).toMatch(/^【复议\/诉讼结果·恢复执行】RN-2026-000012/);
    expect(upheld.text).toContain('结果：维持原决定');
    expect(upheld.text).toContain('Outcome: the decision was upheld');
    expect(upheld.text).toContain('决定日期：2027-02-10');
    expect(upheld.text).toContain('文号：沙府复〔2027〕3号');
    expect(upheld.text).toContain('案件恢复执行');
    const revoked = renderMail(
      {
        kind: 'appeal-resolved',
        caseRecord: { ...stages.resolved, status: 'DISMISSED' },
        facts: { appealOutcome: 'revoked', appealResolvedOn: '2027-02-10' },
      },
      OPTIONS,
    );
    expect(revoked.subject).toMatch(/^【复议\/诉讼结果·撤销】/);
    expect(revoked.text).toContain('结果：原决定被撤销');
    expect(revoked.text).toContain('案件撤销，不再执行');
  });

  it('the completed enforcement says when, who led it and how much was removed', () => {
    const record = stages.enforced;
    const mail = renderMail(
      {
        kind: 'enforcement-completed',
        caseRecord: record,
        facts: {
          completedAt: '2027-06-08T06:30:00Z',
          teamLead: '赵队长',
          areaRemovedM2: 24,
          enforcementNotes: '现场已清理',
        },
      },
      OPTIONS,
    );
    expect(mail.subject).toMatch(/^【强制拆除完成】RN-2026-000012/);
    expect(mail.text).toContain('完成时间：2027-06-08 14:30 (北京时间 UTC+8)');
    expect(mail.text).toContain('带队负责人：赵队长');
    expect(mail.text).toContain('拆除面积：24 m²');
    expect(mail.text).toContain('说明：\n  现场已清理');
    expect(mail.text).toContain(`强制拆除时间：${formatShanghai(record.enforcementAt ?? '')}`);
  });

  it('the failure alert names the step and the cause', () => {
    const mail = renderMail(
      {
        kind: 'workflow-failure',
        caseRecord: stages.scheduled,
        facts: { step: 'Issue the notice', cause: 'Lambda.Unknown: boom' },
      },
      OPTIONS,
    );
    expect(mail.text).toContain('失败步骤：Issue the notice');
    expect(mail.text).toContain('原因：Lambda.Unknown: boom');
    expect(mail.text).toContain('当前状态：已安排强制拆除（ENFORCEMENT_SCHEDULED）');
  });

  it('the party is addressed by name and told their rights, without internal details', () => {
    const mail = renderMail({ kind: 'notice-to-party', caseRecord: stages.noticed }, OPTIONS);
    expect(mail.text.startsWith('张某：')).toBe(true);
    expect(mail.text).toContain('六十日内依法申请行政复议');
    expect(mail.text).not.toContain('当事人：');
  });

  it('warns when a deadline is provisional', () => {
    const record = stages.noticed;
    const notice = record.notice;
    if (!notice) throw new Error('fixture has no notice');
    const provisional: CaseRecord = {
      ...record,
      notice: { ...notice, deadline: { ...notice.deadline, provisional: true } },
    };
    const plain = renderMail({ kind: 'notice-copy', caseRecord: record }, OPTIONS);
    const marked = renderMail({ kind: 'notice-copy', caseRecord: provisional }, OPTIONS);
    expect(plain.text).not.toContain('暂定');
    expect(marked.text).toContain('（暂定）');
    expect(marked.text).toContain('法定节假日安排尚未公布');
    expect(marked.text).toContain('(provisional)');
    expect(marked.html).toContain('法定节假日安排尚未公布');
  });

  it('refuses malformed facts, naming the fact', () => {
    expect(() =>
      renderMail({ kind: 'escalation', caseRecord: stages.escalated, facts: { inspectionResult: 'gone' } }, OPTIONS),
    ).toThrow(/inspectionResult/);
  });
});

describe('hostile case text', () => {
  const HOSTILE = [
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    '"><a href="javascript:alert(1)">点我</a>',
    'Ünïcödé Кириллица العربية עברית 😀👨‍👩‍👧 混合文字',
    '\u202Egnp.exe\u202C \u2066isolate\u2069 zero\u200Ewidth',
    'A'.repeat(5000),
  ].join('\n');

  let record: CaseRecord;
  beforeAll(async () => {
    const stages = await caseThroughStages(undefined, {
      submission: seedSubmission({
        description: HOSTILE.slice(0, 2000),
        location: { subdistrict: '小龙坎街道', community: '解放坡社区', address: '<b>隆庆楼</b> & "16号"\u202E' },
        responsibleParty: { name: '<i>张某</i>', phone: '13800138000', email: 'zhang@example.cn' },
      }),
    });
    record = { ...stages.escalated, description: HOSTILE };
  });

  it.each(MAIL_KINDS.map((k) => [k]))('%s: no case text becomes markup', (kind) => {
    const mail = renderMail(
      {
        kind,
        caseRecord: record,
        facts: { inspectionNotes: HOSTILE, cause: HOSTILE, appealAuthority: '<script>x</script>' },
      },
      OPTIONS,
    );
    const html = mail.html;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<a href="javascript/i);
    expect(html).not.toMatch(/<b>|<i>/);
    // The only elements are the layout's own.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z]+)/g)].map((m) => (m[1] ?? '').toLowerCase()));
    expect(
      [...tags].filter(
        (t) =>
          ![
            'html',
            'head',
            'meta',
            'title',
            'body',
            'div',
            'p',
            'table',
            'tr',
            'th',
            'td',
            'strong',
            'a',
            'hr',
            'br',
          ].includes(t),
      ),
    ).toEqual([]);
    expect(html).toContain('&lt;b&gt;隆庆楼&lt;/b&gt; &amp; &quot;16号&quot;');
    expect(html).toContain('&lt;script&gt;');
  });

  it('strips reordering and control characters, clips long text without splitting a character', () => {
    const mail = renderMail({ kind: 'notice-copy', caseRecord: record }, OPTIONS);
    for (const output of [mail.subject, mail.text, mail.html]) {
      expect(output).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/);
      expect(output).not.toMatch(/A{801}/);
      // No lone surrogate: every emoji survived whole or was cut before it.
      expect(output).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
    expect(mail.text).toContain('Кириллица العربية עברית 😀👨‍👩‍👧 混合文字');
    expect(mail.text).toContain('A'.repeat(50));
    expect(mail.text).toContain('…');
    expect(mail.subject.length).toBeLessThan(200);
  });

  it('long unbroken text wraps in the HTML instead of stretching it', () => {
    const mail = renderMail({ kind: 'notice-copy', caseRecord: record }, OPTIONS);
    expect(mail.html).toMatch(/<td style="[^"]*overflow-wrap: anywhere/);
  });

  it('the helpers do what they say', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
    expect(cleanText('a\u202Eb\r\nc\u0007')).toBe('ab\nc');
    expect(clip('😀😀😀', 2)).toBe('😀😀…');
    expect(clip('x'.repeat(MAX_QUOTED_CHARACTERS), MAX_QUOTED_CHARACTERS)).toHaveLength(MAX_QUOTED_CHARACTERS);
  });
});
