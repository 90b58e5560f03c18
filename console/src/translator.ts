/** The console's words in Chinese and English (no Preact here, so plain tests can read them). */
import type { CaseStatus, EventType } from '#domain/vocabulary';
import { STATUS_LABELS_ZH } from '#domain/vocabulary';
import type { paths } from './api/schema';

/** An email as `GET /cases/{id}/emails` lists it (from the generated types; api.ts needs the DOM, this file not). */
type CaseEmail = paths['/cases/{id}/emails']['get']['responses'][200]['content']['application/json']['items'][number];

export type Lang = 'zh' | 'en';

const STATUS_EN: Record<CaseStatus, string> = {
  REPORTED: 'Reported',
  PERSUASION: 'Persuasion to self-demolish',
  NOTICE_ISSUED: 'Notice issued',
  AWAITING_INSPECTION: 'Awaiting inspection',
  SELF_DEMOLISHED: 'Self-demolished',
  ESCALATED: 'Escalated / urged',
  ENFORCEMENT_DECIDED: 'Enforcement decided',
  ON_HOLD: 'On hold (appeal)',
  ENFORCEMENT_SCHEDULED: 'Enforcement scheduled',
  ENFORCED: 'Demolished by enforcement',
  CLOSED: 'Closed',
  DISMISSED: 'Dismissed',
};

const EVENTS: Record<EventType, [string, string]> = {
  CASE_REPORTED: ['登记立案', 'Case reported'],
  PERSUASION_STARTED: ['开始督促自行拆除', 'Persuasion started'],
  PERSUASION_EXPIRED: ['督促期满', 'Persuasion period ended'],
  NOTICE_ISSUED: ['下达限期拆除通知书', 'Notice issued'],
  REMINDER_SENT: ['到期提醒', 'Reminder sent'],
  DEADLINE_EXTENDED: ['延长期限', 'Deadline extended'],
  SERVICE_RECORDED: ['记录送达', 'Service recorded'],
  SERVICE_OVERDUE: ['送达逾期未录入', 'Service overdue'],
  INSPECTION_OPENED: ['等待复查', 'Inspection opened'],
  INSPECTION_RECORDED: ['记录复查结果', 'Inspection recorded'],
  INSPECTION_OVERDUE: ['复查逾期', 'Inspection overdue'],
  CASE_ESCALATED: ['上报街道并催告', 'Escalated'],
  REPRESENTATION_RECORDED: ['记录陈述申辩', 'Representation recorded'],
  ENFORCEMENT_DECIDED: ['作出强制执行决定', 'Enforcement decided'],
  APPEAL_FILED: ['申请复议/提起诉讼', 'Appeal filed'],
  APPEAL_RESOLVED: ['复议/诉讼结果', 'Appeal resolved'],
  ENFORCEMENT_SCHEDULED: ['安排强制拆除', 'Enforcement scheduled'],
  ENFORCEMENT_OVERDUE: ['强制拆除逾期', 'Enforcement overdue'],
  ENFORCEMENT_COMPLETED: ['完成强制拆除', 'Enforcement completed'],
  CASE_CLOSED: ['结案', 'Case closed'],
  CASE_DISMISSED: ['撤销案件', 'Case dismissed'],
  TASK_FAILED: ['系统任务失败', 'System task failed'],
  EMAIL_FAILED: ['邮件发送失败', 'Email failed'],
  WORKFLOW_RESUMED: ['流程已恢复', 'Workflow resumed'],
  EVIDENCE_ADDED: ['上传证据材料', 'Evidence added'],
};

/** Every kind of email the API records; the type makes a new kind a compile error until it is named here. */
const MAIL_KINDS: Record<CaseEmail['kind'], [string, string]> = {
  'notice-copy': ['通知书抄送街道办', 'Notice copy to the office'],
  'notice-to-party': ['通知书送当事人', 'Notice to the party'],
  reminder: ['到期提醒', 'Deadline reminder'],
  escalation: ['逾期上报街道（催告）', 'Escalation (urge notice)'],
  'service-overdue': ['送达提醒', 'Service reminder'],
  'inspection-overdue': ['复查逾期', 'Inspection overdue'],
  'enforcement-decided': ['强制执行决定及公告', 'Enforcement decided'],
  'enforcement-scheduled': ['强制拆除安排', 'Enforcement scheduled'],
  'enforcement-overdue': ['强制拆除逾期', 'Enforcement overdue'],
  'appeal-hold': ['复议/诉讼中止办理', 'On hold for an appeal'],
  'workflow-failure': ['流程故障', 'Workflow failure'],
  'deadline-extended': ['期限延长', 'Deadline extended'],
  'case-dismissed': ['案件撤销', 'Case dismissed'],
  'case-closed': ['案件办结', 'Case closed'],
  'appeal-resolved': ['复议/诉讼结果', 'Appeal resolved'],
  'enforcement-completed': ['强制拆除完成', 'Enforcement completed'],
};

const MAIL_STATUSES: Record<CaseEmail['status'], [string, string]> = {
  PENDING: ['待发送', 'Pending'],
  SENDING: ['发送中', 'Sending'],
  SENT: ['已发送', 'Sent'],
  FAILED: ['发送失败', 'Failed'],
  UNCONFIRMED: ['未确认送达', 'Unconfirmed'],
  BOUNCED: ['被退回', 'Bounced'],
  COMPLAINED: ['被投诉为垃圾邮件', 'Marked as spam'],
};

/** Problem titles by the problem's type (`urn:rectify:problem:<kind>`), as functions/api/problem.ts names them. */
const PROBLEM_TITLES: Record<string, [string, string]> = {
  'invalid-input': ['提交的内容有误', 'The request is not valid'],
  unauthenticated: ['请重新登录', 'A valid bearer token is required'],
  forbidden: ['当前角色无权办理此事项', 'Your role may not do this'],
  'not-found': ['未找到', 'Not found'],
  'method-not-allowed': ['不支持此操作', 'Method not allowed'],
  'transition-not-allowed': ['案件当前状态不允许此操作', 'The procedure does not allow this now'],
  'version-conflict': ['案件已被他人修改', 'The case changed since you read it'],
  'request-in-flight': ['相同的请求正在处理中', 'The same request is still being processed'],
  'payload-too-large': ['提交的内容过大', 'The request body is too large'],
  'unsupported-media-type': ['提交格式有误', 'The request body must be JSON'],
  'idempotency-key-reused': ['请求编号已用于其他内容', 'The Idempotency-Key was used for a different request'],
  throttled: ['请求过于频繁，请稍后再试', 'Too many requests'],
  internal: ['系统内部错误', 'Internal error'],
  'dependency-unavailable': ['依赖的服务暂不可用，请稍后再试', 'A service the API depends on is unavailable'],
};

/** What a person can do about each kind of problem, in Chinese; `{fields}`, `{part}`, `{requestId}` are filled in. */
const PROBLEM_ADVICE_ZH: Record<string, string> = {
  'invalid-input': '请检查：{fields}。',
  unauthenticated: '登录已失效或缺少令牌，请重新登录。',
  forbidden: '此事项不在当前角色或管辖范围内。',
  'not-found': '所查找的内容不存在，或不在您的管辖范围内。',
  'method-not-allowed': '此地址不支持该操作。',
  'transition-not-allowed': '请按案件当前状态可办理的事项操作。',
  'version-conflict': '请重新加载案件后再办理。',
  'request-in-flight': '请稍候片刻，再查看结果。',
  'payload-too-large': '请减少提交的内容后重试。',
  'unsupported-media-type': '请以 JSON 格式提交。',
  'idempotency-key-reused': '同一请求编号不能用于不同的内容，请重新提交。',
  throttled: '请稍后再试。',
  internal: '请稍后重试；如仍出错，请将请求编号 {requestId} 告知管理员。',
  'dependency-unavailable': '暂不可用的服务：{part}。请稍后再试。',
};

/**
 * Chinese for the reasons the API (functions/domain/schemas.ts, functions/api/problem.ts, zod) and the
 * survey reader (cli/survey-file.ts) give for a field; `$1`… are the reason's own values. A reason not
 * listed is shown as the API wrote it.
 */
const TYPE_NAMES_ZH: Record<string, string> = {
  number: '数字',
  int: '整数',
  string: '文字',
  array: '列表',
  object: '一组字段',
  boolean: '是或否',
};
const REASONS_ZH: [RegExp, string | ((match: RegExpExecArray, term: (value: string) => string) => string)][] = [
  [/^is required$/, '必填'],
  [/^is not a known field$/, '不是可识别的字段'],
  [/^must be a date, YYYY-MM-DD$/, '须为日期（年-月-日）'],
  [/^must be an ISO 8601 date-time with a time zone$/, '须为带时区的日期时间'],
  [/^must be a mainland China mobile or landline number$/, '须为中国大陆手机或固定电话号码'],
  [/^must be a case id like (\S+)$/, '须为案件编号，例如 $1'],
  [/^must be between (\S+) and (\S+)$/, '须在 $1 至 $2 之间'],
  [/^must be at most (\S+) m²$/, '不得超过 $1 ㎡'],
  [/^must be at least (\S+)$/, '不得小于 $1'],
  [/^must be at most (\S+)$/, '不得大于 $1'],
  [/^at most (\d+) photos$/, '最多 $1 张照片'],
  [/^must be at most (\d+) bytes \((\d+) MB\) for (\S+)$/, '$3 文件不得超过 $2 MB（$1 字节）'],
  [/^must be one of (image\/jpeg, .+)$/, '只接受以下类型：$1'],
  [
    /^the file is not a JPEG, PNG, HEIC or PDF \(judged from its bytes\); it was discarded$/,
    '按文件内容判断不是 JPEG、PNG、HEIC 或 PDF，已丢弃',
  ],
  [/^case (\S+) has no confirmed file (\S+)$/, '案件 $1 没有已确认的文件 $2'],
  [/^must not be before (\S+)$/, '不得早于 $1'],
  [/^must not be in the future$/, '不得晚于今天'],
  [/^must not be in the future \(today is (\S+) in Asia\/Shanghai\)$/, '不得晚于今天（北京时间今天是 $1）'],
  [/^must not be in the past \(today is (\S+) in Asia\/Shanghai\)$/, '不得早于今天（北京时间今天是 $1）'],
  [/^must be greater than 0$/, '须大于 0'],
  [/^must not be empty$/, '不得为空'],
  [/^must be an email address$/, '须为电子邮箱地址'],
  [/^must be given once$/, '只能填写一次'],
  [/^must name another case$/, '须为另一个案件'],
  [/^must be at least (\d+) characters$/, '至少 $1 个字'],
  [/^must be at most (\d+) characters$/, '最多 $1 个字'],
  [/^must be 0 or absent when the result is not-demolished$/, '复查结果为“未拆除”时须为 0 或不填'],
  [/^must be at most the case's area \((\S+) m²(.*)\)$/, '不得超过案件面积（$1 ㎡$2）'],
  [/^must be later than the current deadline (\S+)$/, '须晚于现有期限 $1'],
  [/^must not be before the case was reported \((\S+)\)$/, '不得早于案件登记时间（$1）'],
  [
    /^must be a working day \(notice deadlines fall on working days\); (\S+) is a rest day, the next working day is (\S+)$/,
    '须为工作日：$1 是休息日，下一个工作日是 $2',
  ],
  [/^must not contain bidirectional text controls .*$/, '不得包含双向文字控制符'],
  [/^is required when the reason is duplicate$/, '撤销原因为“重复登记”时必填'],
  [/^must not contain control characters$/, '不得包含控制字符'],
  [/^must be a single line \(no line breaks\)$/, '须为一行（不得换行）'],
  [/^must be 0 or at least 0\.000000001 in size$/, '须为 0 或不小于 0.000000001'],
  [/^must be a whole number$/, '须为整数'],
  [/^must be a number(, not null)?$/, '须为数字'],
  [/^must be a string(, not null)?$/, '须为文字'],
  [/^must be a list(, not null)?$/, '须为列表'],
  [/^must be an object(, not null)?$/, '须为一组字段'],
  [/^must be a boolean(, not null)?$/, '须为是或否'],
  [/^must be true or false$/, '须为 true 或 false'],
  [/^Too small: expected string to have >=1 characters$/, '不得为空'],
  [/^Too small: expected string to have >=(\d+) characters$/, '至少 $1 个字'],
  [/^Too big: expected string to have <=(\d+) characters$/, '最多 $1 个字'],
  [/^Too small: expected number to be >=(\S+)$/, '不得小于 $1'],
  [/^Too small: expected number to be >(\S+)$/, '须大于 $1'],
  [/^Too big: expected number to be <=(\S+)$/, '不得大于 $1'],
  [/^Too big: expected number to be <(\S+)$/, '须小于 $1'],
  [/^Too small: expected array to have >=(\d+) items$/, '至少 $1 项'],
  [/^Too big: expected array to have <=(\d+) items$/, '最多 $1 项'],
  [
    /^Invalid option: expected one of (.+)$/,
    (match, term) =>
      `须为以下之一：${(match[1] ?? '')
        .split('|')
        .map((option) => term(option.replace(/^"|"$/g, '')))
        .join('、')}`,
  ],
  [/^Invalid input: expected int, received number$/, '须为整数'],
  [
    /^Invalid input: expected (\w+), received \w+$/,
    (match) => `须为${Object.hasOwn(TYPE_NAMES_ZH, match[1] ?? '') ? TYPE_NAMES_ZH[match[1] ?? ''] : match[1]}`,
  ],
  [/^duplicate of row (\d+)$/, '与第 $1 行重复'],
  [/^missing column \(accepted headers: (.+)\)$/, '缺少此列（可用的列名：$1）'],
  [/^the file is empty$/, '文件为空'],
  [
    /^text looks garbled by a wrong encoding \(GBK\/UTF-8 mix-up\); it may have been “(.*)” — re-save the file as UTF-8$/,
    '文字疑似因编码错误成为乱码（原文可能是“$1”），请将文件另存为 UTF-8',
  ],
  [
    /^text looks garbled by a wrong encoding \(GBK\/UTF-8 mix-up\) — re-save the file as UTF-8$/,
    '文字疑似因编码错误成为乱码，请将文件另存为 UTF-8',
  ],
  [/^the API answered without this row$/, '接口答复中缺少此行'],
];

/** Words of the console; each entry is [Chinese, English]. */
const WORDS = {
  appName: ['违法建设案件管理', 'Illegal-construction cases'],
  language: ['English', '中文'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  localStack: ['本地环境（仅供开发测试）', 'Local stack (development only)'],
  localStackNote: [
    '本地登录直接签发本地令牌，不连接 Cognito。',
    'Local sign-in issues local tokens; no Cognito is involved.',
  ],
  person: ['人员标识', 'Person (user id)'],
  role: ['角色', 'Role'],
  scope: ['管辖街道', 'Sub-districts'],
  scopeHint: [
    '办事处、执法队、网格员只在所辖街道办理案件；多个街道用逗号分隔，留空为全市。',
    'Officers, enforcers and reporters act only in their sub-districts; separate several with commas, leave empty for the whole city.',
  ],
  wholeCity: ['全市', 'Whole city'],
  office: ['所属', 'Office'],
  signInWithCognito: ['使用统一身份认证登录', 'Sign in with the organisation account'],
  queue: ['工作台', 'Work queue'],
  cases: ['案件列表', 'Cases'],
  newCase: ['登记案件', 'New case'],
  import: ['普查导入', 'Survey import'],
  summary: ['工作总结', 'Work summary'],
  loading: ['加载中…', 'Loading…'],
  nothing: ['暂无', 'None'],
  awaitingInspection: ['待复查', 'Awaiting inspection'],
  dueSoon: ['即将到期（7天内）', 'Due in the next 7 days'],
  overdue: ['已逾期', 'Overdue'],
  attention: ['需关注', 'Flagged for attention'],
  persuasionPending: ['督促结果待记录', 'Persuasion results pending'],
  scheduled: ['已安排的强制拆除', 'Scheduled demolitions'],
  myCases: ['我登记的案件', 'My cases'],
  recentActivity: ['最近动态', 'Recent activity'],
  provisional: ['暂定', 'provisional'],
  provisionalNote: [
    '该年度节假日安排未公布，期限按周末推算，为暂定期限。',
    'No published holiday calendar for that year: the deadline counts weekends only and is provisional.',
  ],
  remaining: ['剩余', 'left'],
  overdueBy: ['已逾期', 'overdue by'],
  days: ['天', 'd'],
  hours: ['小时', 'h'],
  id: ['案件编号', 'Case'],
  status: ['状态', 'Status'],
  address: ['地址', 'Address'],
  subdistrict: ['街道', 'Sub-district'],
  community: ['社区', 'Community'],
  due: ['期限', 'Due'],
  reportedAt: ['登记时间', 'Reported'],
  filter: ['筛选', 'Filter'],
  from: ['起始日期', 'From'],
  to: ['截止日期', 'To'],
  anyStatus: ['全部状态', 'Any status'],
  onlyOverdue: ['仅逾期', 'Overdue only'],
  onlyAttention: ['仅需关注', 'Attention only'],
  more: ['加载更多', 'Load more'],
  exportCsv: ['导出 CSV', 'Export CSV'],
  listNeedsFilter: ['请选择街道、状态，或勾选“仅逾期”。', 'Choose a sub-district or a status, or tick “overdue only”.'],
  facts: ['基本情况', 'Facts'],
  category: ['类别', 'Category'],
  severity: ['严重程度', 'Severity'],
  area: ['面积（㎡）', 'Area (m²)'],
  description: ['情况描述', 'Description'],
  responsibleParty: ['当事人', 'Responsible party'],
  phone: ['电话', 'Phone'],
  noticeNumber: ['通知书编号', 'Notice number'],
  noticeService: ['通知书送达', 'Notice served'],
  decisionService: ['强制执行决定书送达', 'Enforcement decision served'],
  notServed: [
    '已下达，尚未送达（期限自送达之日起计算）',
    'Issued, not yet served (its periods run from the service date)',
  ],
  notServedAwaited: [
    '已下达，尚未送达：流程等待录入送达，应于 {date} 前录入（期限自送达之日起计算）',
    'Issued, not yet served: the workflow waits for the service to be recorded, by {date} (its periods run from the service date)',
  ],
  serviceOverdue: ['送达逾期未录入', 'Service overdue'],
  servedAs: ['{method}，{date}（{receiver}）', '{method}, {date} ({receiver})'],
  servedTakesEffect: ['，{date} 视为送达', ', deemed served on {date}'],
  lifecycle: ['办理流程', 'Lifecycle'],
  deadlines: ['期限', 'Deadlines'],
  timeline: ['办理记录', 'Timeline'],
  emails: ['相关邮件', 'Emails'],
  chainOk: ['记录链校验通过', 'History chain verified'],
  chainBroken: ['记录链校验失败：第 {seq} 条记录', 'History chain broken at event {seq}'],
  actions: ['可办理事项', 'Actions'],
  noActions: ['当前角色在此状态下无可办理事项。', 'Your role has nothing to do on this case now.'],
  submit: ['提交', 'Submit'],
  conflict: ['其他人已修改此案件，请重新加载后再办理。', 'Someone else changed this case. Reload it and decide again.'],
  reload: ['重新加载', 'Reload'],
  fixFields: ['请更正标出的内容。', 'Please correct the marked fields.'],
  done: ['已办理', 'Done'],
  possibleDuplicates: ['可能重复的案件（同一地址）', 'Possible duplicates (same address)'],
  created: ['案件已登记：', 'Case reported: '],
  chooseFile: ['选择普查 CSV 文件', 'Choose the survey CSV file'],
  noFileChosen: ['未选择文件', 'No file chosen'],
  importHint: [
    '与命令行 rectify import 使用同一格式：首行为列名（街道、社区、地址、类别、严重程度……），UTF-8 或 GBK 编码均可。先在本机检查，确认后再导入；重复导入同一行不会重复登记。',
    'The same format as `rectify import`: the first row names the columns (街道, 社区, 地址, 类别, 严重程度…), UTF-8 or GBK. The file is checked here first and imported when you confirm; importing a row again registers nothing twice.',
  ],
  surveyChecked: [
    '{file}（{encoding}）：{valid} 行可导入，{bad} 行有误。',
    '{file} ({encoding}): {valid} rows ready, {bad} rows refused.',
  ],
  importRows: ['导入 {count} 行', 'Import {count} rows'],
  importDone: [
    '导入完成：新登记 {created} 件，此前已导入 {already} 件，{bad} 行未导入。',
    'Import finished: {created} cases created, {already} already imported, {bad} rows refused.',
  ],
  alreadyImported: ['此前已导入', 'Already imported'],
  newlyCreated: ['新登记', 'Created'],
  wholeRow: ['整行', 'Whole row'],
  rowsSent: ['已处理 {done}/{total} 行', '{done} of {total} rows processed'],
  accepted: ['已登记', 'Accepted'],
  refused: ['被拒绝的行', 'Refused rows'],
  row: ['行号', 'Row'],
  field: ['字段', 'Field'],
  reason: ['原因', 'Reason'],
  period: ['统计期间', 'Period'],
  show: ['查询', 'Show'],
  print: ['打印', 'Print'],
  total: ['合计', 'Total'],
  notFound: ['未找到该页面。', 'Page not found.'],
  who: ['办理人', 'By'],
  when: ['时间', 'When'],
  system: ['系统', 'system'],
  skipToContent: ['跳到正文', 'Skip to content'],
  beijingTime: ['北京时间', 'Beijing time'],
  error: ['出错了', 'Something went wrong'],
  subject: ['主题', 'Subject'],
  recipient: ['收件人', 'To'],
  mailKind: ['类型', 'Kind'],
  mailStatus: ['发送状态', 'Status'],
  recordedAt: ['生成时间', 'Recorded'],
  sentAt: ['发送时间', 'Sent'],
  attempts: ['发送次数', 'Attempts'],
  possibleRepeat: ['可能重复收到', 'may have arrived twice'],
  noEmails: ['尚无相关邮件。', 'No emails about this case yet.'],
  documents: ['法律文书', 'Documents'],
  noDocuments: ['尚未制发法律文书。', 'No document issued yet.'],
  documentTitle: ['文书', 'Document'],
  documentNumber: ['文号', 'Number'],
  issuedAt: ['制发时间', 'Issued'],
  documentService: ['送达', 'Service'],
  documentServed: ['已送达 {date}', 'Served {date}'],
  documentUnserved: ['尚未送达', 'Not yet served'],
  documentServiceNotRecorded: ['不登记送达', 'Service not recorded'],
  documentFile: ['文件（SHA-256）', 'File (SHA-256)'],
  download: ['下载 PDF', 'Download PDF'],
  downloadFailed: ['下载链接获取失败，请重试。', 'Could not get the download link; try again.'],
  digests: ['记录锚定', 'Digests'],
  digestsIntro: [
    '每个案件的办理记录前后以哈希相连。系统每天把有变动的案件链头签名存档，存放在不可改写的存储中。核对检查每份锚定文件的签名及其与前一份的衔接，再逐件比对案件记录与锚定时的链头，找出锚定后被改写的历史。',
    'Each case’s history is hash-chained. Every day the heads of the chains that changed are signed and kept where they cannot be rewritten. Verification checks each digest’s signature and its link to the one before, then replays every anchored case against the head a digest signed: any history rewritten after it was anchored is named.',
  ],
  verification: ['核对结果', 'Verification'],
  verifyAgain: ['重新核对', 'Verify again'],
  verifyContinue: ['继续核对', 'Continue verifying'],
  verifying: [
    '正在核对…已核对 {checked} 件案件，等待第 {answers} 次答复',
    'Verifying… {checked} cases checked so far, waiting for answer {answers}',
  ],
  verifyIncomplete: [
    '核对尚未完成：已核对 {checked} 件案件，其余案件请继续核对。',
    'Not finished: {checked} cases checked; continue for the rest.',
  ],
  allGood: [
    '核对通过：{verified} 份锚定文件的签名与衔接均有效，已核对的 {checked} 件案件均与锚定时一致，没有发现锚定后被改写的记录。',
    'All good: the signature and link of all {verified} digests hold, and all {checked} cases checked match what was anchored. Nothing was rewritten after anchoring.',
  ],
  problemsFound: [
    '发现 {count} 处问题：以下案件记录或锚定文件在锚定后被改动。',
    '{count} problems found: the histories or digests below were changed after they were anchored.',
  ],
  digestsStored: ['存档的锚定文件', 'Digests stored'],
  digestsVerified: ['签名与衔接有效', 'Signature and link valid'],
  latestPeriodEnd: ['最近一份锚定截止（北京时间）', 'Latest digest covers until (Beijing time)'],
  casesChecked: ['已核对案件', 'Cases checked'],
  digestList: ['每份锚定文件', 'Each digest'],
  digestSequence: ['序号', 'No.'],
  digestPeriod: ['期间（北京时间）', 'Period (Beijing time)'],
  digestHeads: ['锚定案件数', 'Cases anchored'],
  digestState: ['签名与衔接', 'Signature and link'],
  digestHolds: ['有效', 'Valid'],
  digestBroken: ['无效', 'Broken'],
  digestShowAll: ['显示全部 {count} 份', 'Show all {count}'],
  chainStale: [
    '最近一份锚定截止于北京时间 {time}，已超过一天：可能有锚定文件被删除，或每日锚定已停止。',
    'The latest digest ends at {time} (Beijing time), more than a day ago: digests may have been removed, or the daily digest stopped.',
  ],
  noDigests: ['尚无锚定文件：还没有案件被锚定。', 'No digest yet: nothing is anchored.'],
  anchorNow: ['立即锚定', 'Anchor now'],
  anchorHint: [
    '立即写入下一份锚定文件（签名存档自上一份以来有变动的案件链头），不必等每日的自动锚定。',
    'Writes the next digest now (the signed heads of every case changed since the previous one) instead of waiting for the daily one.',
  ],
  anchoring: ['正在锚定…', 'Anchoring…'],
  anchorWritten: [
    '已写入锚定文件 {key}（第 {sequence} 份）：期间 {from} 至 {to}（北京时间），锚定 {heads} 个案件链头。',
    'Digest {key} written (number {sequence}): {from} to {to} (Beijing time), {heads} chain heads anchored.',
  ],
  anchorNotWritten: [
    '本期已有锚定文件 {key}（第 {sequence} 份，截至北京时间 {to}），未重复写入。',
    'Digest {key} (number {sequence}, up to {to} Beijing time) already covers this period: nothing written.',
  ],
  chainStart: ['链首', 'the start'],
  findings: ['发现的问题', 'Findings'],
  casesRewritten: ['被改写的案件', 'Cases rewritten'],
  digestsWithProblems: ['有问题的锚定文件', 'Digests with problems'],
  anchoredBy: [
    '锚定依据：{digest}，北京时间 {time}，第 {seq} 条记录',
    'Anchored by {digest} on {time} (Beijing time), at event {seq}',
  ],
  apiReason: ['系统原文', 'The API’s words'],
  publicKey: ['验签公钥', 'Public key'],
  downloadPublicKey: ['下载公钥（PEM）', 'Download the public key (PEM)'],
  publicKeyHint: [
    '外部审计人员无需本系统即可核对：下载公钥存为 digest-key.pem，取得锚定文件（digest.json）及其对象元数据 x-amz-meta-signature（base64 解码后存为 digest.sig），再运行：',
    'An outside auditor needs nothing of Rectify’s: save the public key as digest-key.pem, take a digest file (digest.json) and its x-amz-meta-signature metadata (base64-decoded into digest.sig), then run:',
  ],
  publicKeyVerified: ['输出 Verified OK 即签名有效。', '“Verified OK” means the signature holds.'],
  digestsCityWide: [
    '记录锚定涵盖所有街道，只有审计人员和全市范围的办事人员可以核对。',
    'Digests cover every sub-district: only auditors and city-wide staff check them.',
  ],
} satisfies Record<string, [string, string]>;

export type WordKey = keyof typeof WORDS;

export interface Translator {
  lang: Lang;
  t(key: WordKey, values?: Record<string, string | number>): string;
  status(status: CaseStatus): string;
  event(type: EventType): string;
  /** A value of the API's vocabulary (category, material, result…), translated where the console knows it. */
  term(value: string): string;
  /** The name of a fact an event records. */
  key(name: string): string;
  mailKind(kind: CaseEmail['kind']): string;
  mailStatus(status: CaseEmail['status']): string;
  /** The reason the API or the survey reader gives for a field, in this language where it is known. */
  reason(message: string): string;
  /** A problem's title, from its type, in this language. */
  problemTitle(problem: { type?: string; title?: string }): string;
  /**
   * A problem in words: its title and what to do, in this language. The API writes `detail` in English
   * prose; in Chinese the console says it from the problem's type and structured fields (the fields named,
   * the reason, the part unavailable, the request id) instead.
   */
  problem(problem: ProblemWords): string;
}

/** What a problem document says, as the console reads it (the generated client's Problem fits it). */
export interface ProblemWords {
  type?: string;
  title?: string;
  detail?: string;
  reason?: string;
  part?: string;
  requestId?: string;
  errors?: readonly { field: string; message: string }[];
}

const TERMS: Record<string, [string, string]> = {
  'unit-internal': ['单位内部', 'Inside a unit'],
  'resident-built': ['居民自建', 'Built by residents'],
  other: ['其他', 'Other'],
  minor: ['轻微', 'Minor'],
  moderate: ['一般', 'Moderate'],
  serious: ['严重', 'Serious'],
  'brick-concrete': ['砖混', 'Brick and concrete'],
  'reinforced-concrete': ['钢筋混凝土', 'Reinforced concrete'],
  steel: ['钢结构', 'Steel'],
  'color-steel-sheet': ['彩钢板', 'Colour steel sheet'],
  timber: ['木结构', 'Timber'],
  temporary: ['临时搭建', 'Temporary'],
  demolished: ['已拆除', 'Demolished'],
  'partially-demolished': ['部分拆除', 'Partly demolished'],
  'not-demolished': ['未拆除', 'Not demolished'],
  accepted: ['采纳', 'Accepted'],
  rejected: ['不采纳', 'Rejected'],
  filed: ['已提起', 'Filed'],
  resolved: ['已有结果', 'Resolved'],
  upheld: ['维持', 'Upheld'],
  revoked: ['撤销', 'Revoked'],
  reconsideration: ['行政复议', 'Reconsideration'],
  litigation: ['行政诉讼', 'Litigation'],
  'not-a-violation': ['不构成违法建设', 'Not a violation'],
  duplicate: ['重复登记', 'Duplicate'],
  withdrawn: ['撤回', 'Withdrawn'],
  'representation-accepted': ['陈述申辩被采纳', 'Representation accepted'],
  'appeal-revoked': ['复议/诉讼撤销', 'Revoked on appeal'],
  reporter: ['社区/网格员', 'Reporter'],
  officer: ['街道办/执法科', 'Officer'],
  enforcer: ['执法队', 'Enforcer'],
  auditor: ['审计/纪检', 'Auditor'],
  sent: ['已发送', 'Sent'],
  failed: ['发送失败', 'Failed'],
  pending: ['待发送', 'Pending'],
  direct: ['直接送达', 'In person'],
  'left-at-premises': ['留置送达', 'Left at the premises'],
  post: ['邮寄送达', 'By post'],
  announcement: ['公告送达', 'By announcement'],
  electronic: ['电子送达', 'Electronic'],
  notice: ['限期拆除通知书', 'Rectification notice'],
  'enforcement-decision': ['强制执行决定书及公告', 'Enforcement decision and announcement'],
  'calendar-days': ['自然日', 'calendar days'],
  'working-days': ['工作日', 'working days'],
  months: ['个月', 'months'],
  'self-demolished': ['当事人自行拆除', 'Demolished by the party'],
  enforced: ['强制拆除', 'Demolished by enforcement'],
  'persuasion-result': ['督促结果', 'Persuasion result'],
  inspection: ['复查', 'Inspection'],
  enforcement: ['强制拆除', 'Enforcement'],
  intake: ['登记', 'Intake'],
  representation: ['陈述申辩', 'Representation'],
  appeal: ['复议/诉讼', 'Appeal'],
  bounced: ['被退回', 'Bounced'],
  complained: ['被投诉为垃圾邮件', 'Marked as spam'],
  refused: ['被拒收', 'Refused'],
  unconfirmed: ['未确认送达', 'Unconfirmed'],
  none: ['无', 'none'],
  RUNNING: ['运行中', 'running'],
  SUCCEEDED: ['已完成', 'succeeded'],
  FAILED: ['失败', 'failed'],
  TIMED_OUT: ['超时', 'timed out'],
  ABORTED: ['已中止', 'aborted'],
  PENDING_REDRIVE: ['待重新驱动', 'pending redrive'],
};

/** Names of the facts events record, for the timeline. */
const DATA_KEYS: Record<string, [string, string]> = {
  evidence: ['依据的证据材料', 'Evidence cited'],
  evidenceId: ['证据编号', 'Evidence id'],
  fileName: ['文件名', 'File name'],
  stage: ['环节', 'Stage'],
  contentType: ['文件类型', 'File type'],
  size: ['大小（字节）', 'Size (bytes)'],
  sha256: ['SHA-256 哈希', 'SHA-256'],
  capturedAt: ['拍摄时间', 'Taken at'],
  gps: ['拍摄位置', 'Position'],
  latitude: ['纬度', 'Latitude'],
  longitude: ['经度', 'Longitude'],
  execution: ['流程实例', 'Workflow execution'],
  submission: ['登记内容', 'Submission'],
  possibleDuplicates: ['可能重复', 'Possible duplicates'],
  severity: ['严重程度', 'Severity'],
  category: ['类别', 'Category'],
  period: ['期限长度', 'Period'],
  amount: ['数量', 'Amount'],
  unit: ['单位', 'Unit'],
  service: ['送达', 'Service'],
  method: ['方式', 'Method'],
  servedOn: ['送达日期', 'Served on'],
  effectiveOn: ['视为送达日期', 'Counts as served on'],
  receiver: ['受送达人/签收人', 'Received by'],
  witnesses: ['见证人/记录方式', 'Witnesses / record'],
  publishedIn: ['公告地点', 'Published in'],
  consent: ['电子送达书面同意', 'Written consent to electronic service'],
  signedOn: ['签署日期', 'Signed on'],
  receiptReference: ['送达回证编号', 'Proof of service no.'],
  recordedAt: ['记录时间', 'Recorded at'],
  documents: ['制发文书', 'Documents issued'],
  number: ['文号', 'Number'],
  key: ['存储位置', 'Stored at'],

  deadline: ['期限', 'Deadline'],
  date: ['日期', 'Date'],
  at: ['时刻', 'At'],
  provisional: ['暂定', 'Provisional'],
  reminderAt: ['提醒时间', 'Reminder at'],
  noticeNumber: ['通知书编号', 'Notice number'],
  deadlineDate: ['期限日期', 'Deadline date'],
  inspectionDeadline: ['复查期限', 'Inspection deadline'],
  noticeDeadline: ['限期拆除期限', 'Notice deadline'],
  window: ['复查时限', 'Window'],
  missedDeadline: ['错过的期限', 'Missed deadline'],
  nextDeadline: ['下一期限', 'Next deadline'],
  round: ['轮次', 'Round'],
  flagged: ['已标记关注', 'Flagged'],
  workflowStopped: ['流程已停止等待', 'Workflow stopped waiting'],
  result: ['结果', 'Result'],
  inspectedAt: ['复查时间', 'Inspected at'],
  inspector: ['复查人', 'Inspector'],
  notes: ['备注', 'Notes'],
  areaRemovedM2: ['拆除面积（㎡）', 'Area removed (m²)'],
  photos: ['照片', 'Photos'],
  newDeadline: ['新的期限', 'New deadline'],
  previousDeadline: ['原期限', 'Previous deadline'],
  reason: ['原因', 'Reason'],
  approver: ['批准人', 'Approved by'],
  explanation: ['说明', 'Explanation'],
  duplicateOf: ['重复的案件', 'Duplicate of'],
  outcome: ['结果', 'Outcome'],
  summary: ['摘要', 'Summary'],
  response: ['答复', 'Response'],
  receivedOn: ['收到日期', 'Received on'],
  kind: ['类型', 'Kind'],
  filedOn: ['提起日期', 'Filed on'],
  resolvedOn: ['结果日期', 'Resolved on'],
  authority: ['受理机关', 'Authority'],
  reference: ['编号', 'Reference'],
  completedAt: ['完成时间', 'Completed at'],
  teamLead: ['带队负责人', 'Team lead'],
  scheduledFor: ['计划日期', 'Scheduled for'],
  location: ['位置', 'Location'],
  address: ['地址', 'Address'],
  subdistrict: ['街道', 'Sub-district'],
  community: ['社区', 'Community'],
  description: ['情况描述', 'Description'],
  responsibleParty: ['当事人', 'Responsible party'],
  reporter: ['登记人', 'Reporter'],
  structure: ['建筑情况', 'Structure'],
  material: ['结构材料', 'Material'],
  floors: ['层数', 'Floors'],
  areaM2: ['面积（㎡）', 'Area (m²)'],
  discoveredOn: ['发现日期', 'Discovered on'],
  name: ['姓名', 'Name'],
  phone: ['电话', 'Phone'],
  email: ['邮箱', 'Email'],
  caption: ['说明', 'Caption'],
  ref: ['文件', 'File'],
  error: ['错误', 'Error'],
  task: ['任务', 'Task'],
  cause: ['原因', 'Cause'],
  inspectionResult: ['复查结果', 'Inspection result'],
  demand: ['催告', 'Demand'],
  document: ['文书', 'Document'],
  rightOfRepresentation: ['陈述申辩权利', 'Right of representation'],
  decision: ['决定', 'Decision'],
  decidedOn: ['决定日期', 'Decided on'],
  announcement: ['公告', 'Announcement'],
  reconsideration: ['行政复议', 'Reconsideration'],
  litigation: ['行政诉讼', 'Litigation'],
  earliestEnforcement: ['最早强制执行时间', 'Earliest enforcement'],
  enforcementExecution: ['强制执行流程实例', 'Enforcement workflow execution'],
  slot: ['安排时间', 'Slot'],
  hours: ['作业时段', 'Hours'],
  start: ['开始', 'Start'],
  end: ['结束', 'End'],
  completeBy: ['完成期限', 'Complete by'],
  extraDays: ['延长天数', 'Extra days'],
  previousExecution: ['原流程实例', 'Previous execution'],
  previousExecutionStatus: ['原流程状态', 'Previous execution status'],
  renewedDeadline: ['重新计算的期限', 'Renewed deadline'],
  mailId: ['邮件编号', 'Mail id'],
  messageId: ['邮件标识', 'Message id'],
  occasion: ['事由', 'Occasion'],
  to: ['收件人', 'To'],
  feedbackId: ['反馈编号', 'Feedback id'],
  recipients: ['收件人', 'Recipients'],
  bounceType: ['退信类型', 'Bounce type'],
  lat: ['纬度', 'Latitude'],
  lon: ['经度', 'Longitude'],
};

export function translator(lang: Lang): Translator {
  const pick = ([zh, en]: [string, string]) => (lang === 'zh' ? zh : en);
  const term = (value: string): string =>
    Object.hasOwn(TERMS, value)
      ? pick(TERMS[value] as [string, string])
      : Object.hasOwn(MAIL_KINDS, value)
        ? pick(MAIL_KINDS[value as CaseEmail['kind']])
        : Object.hasOwn(MAIL_STATUSES, value)
          ? pick(MAIL_STATUSES[value as CaseEmail['status']])
          : value;
  const self: Translator = {
    lang,
    t(key, values = {}) {
      return pick(WORDS[key]).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
    },
    status: (status) => (lang === 'zh' ? STATUS_LABELS_ZH[status] : STATUS_EN[status]),
    event: (type) => pick(EVENTS[type]),
    term,
    key: (name) => (Object.hasOwn(DATA_KEYS, name) ? pick(DATA_KEYS[name] as [string, string]) : name),
    mailKind: (kind) => pick(MAIL_KINDS[kind]),
    mailStatus: (status) => pick(MAIL_STATUSES[status]),
    reason(message) {
      if (lang !== 'zh') return message;
      for (const [pattern, zh] of REASONS_ZH) {
        const match = pattern.exec(message);
        if (match) return typeof zh === 'string' ? message.replace(pattern, zh) : zh(match, term);
      }
      return message;
    },
    problemTitle(problem) {
      const kind = problem.type?.split(':').at(-1) ?? '';
      return Object.hasOwn(PROBLEM_TITLES, kind)
        ? pick(PROBLEM_TITLES[kind] as [string, string])
        : (problem.title ?? '');
    },
    problem(problem) {
      const title = self.problemTitle(problem);
      if (lang !== 'zh') return [title, problem.detail, problem.reason].filter(Boolean).join(' — ');
      const kind = problem.type?.split(':').at(-1) ?? '';
      const fields = [...new Set((problem.errors ?? []).map((e) => fieldLabel(e.field, self)))];
      const advice = Object.hasOwn(PROBLEM_ADVICE_ZH, kind)
        ? (PROBLEM_ADVICE_ZH[kind] as string)
            .replace('{fields}', fields.join('、') || '提交的内容')
            .replace('{part}', problem.part ?? '—')
            .replace('{requestId}', problem.requestId ?? '—')
        : // A kind this console does not know yet: the API's own words rather than none.
          problem.detail;
      return [title, advice, problem.reason && self.reason(problem.reason)].filter(Boolean).join(' — ');
    },
  };
  return self;
}

/** `responsibleParty.phone` as people call it (电话), or as the API names it when the console has no word. */
function fieldLabel(field: string, tr: Translator): string {
  const last =
    field
      .split('.')
      .at(-1)
      ?.replace(/\[\d+\]$/, '') ?? field;
  const label = tr.key(last);
  return label === last ? field : label;
}
