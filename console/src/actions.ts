import type { EvidenceStage } from '#domain/evidence';
import type { ActionName } from '#domain/lifecycle';
import { TRANSITIONS } from '#domain/lifecycle';
import type { CaseStatus, Role } from '#domain/vocabulary';
import { APPEAL_KINDS, DISMISSAL_REASONS, SERVICE_METHODS } from '#domain/vocabulary';
import type { ApiClient, CaseView, Problem } from './api';
import type { components, operations } from './api/schema';
import type { Translator } from './i18n';
import { shanghaiToday, legalNow } from './time';
import type { FieldSpec } from './ui';

/** The person's actions on a case, each sent to its own route of the API. */
export interface ActionForm {
  action: ActionName;
  title: [string, string];
  fields: FieldSpec[];
  /** The stages of the case's files the action may cite (`evidenceIds`). */
  cites?: readonly EvidenceStage[];
  send(
    api: ApiClient,
    id: string,
    etag: string,
    body: Record<string, unknown>,
  ): Promise<{ data?: CaseView; error?: Problem; response: Response }>;
}

/** What this role may do on a case in this status now, read from the lifecycle table the API enforces. */
export function allowedActions(status: CaseStatus, role: Role): Map<ActionName, string[]> {
  const actions = new Map<ActionName, string[]>();
  for (const t of TRANSITIONS) {
    if (t.from === 'new' || !t.from.includes(status) || !t.roles.includes(role)) continue;
    const outcomes = actions.get(t.action) ?? [];
    if (t.outcome) outcomes.push(t.outcome);
    actions.set(t.action, outcomes);
  }
  return actions;
}

/** Beijing wall time of the legal now, for a datetime-local input (minutes). */
function beijingNow(): string {
  return new Date(legalNow() + 8 * 3_600_000).toISOString().slice(0, 16);
}

type Schemas = components['schemas'];
type ResumeBody = operations['resumeCase']['requestBody']['content']['application/json'];
const headers = (etag: string) => ({ 'If-Match': etag });

export function actionForm(action: ActionName, outcomes: string[], tr: Translator): ActionForm | undefined {
  const zh = tr.lang === 'zh';
  const L = (chinese: string, english: string) => (zh ? chinese : english);
  const choices = (values: readonly string[]) => values.map((value) => ({ value, label: tr.term(value) }));
  switch (action) {
    case 'record-inspection':
      return {
        action,
        title: ['记录复查结果', 'Record the inspection'],
        cites: ['inspection'],
        fields: [
          { name: 'result', label: L('复查结果', 'Result'), kind: 'select', options: choices(outcomes) },
          {
            name: 'inspectedAt',
            label: L('复查时间（北京时间）', 'Inspected at (Beijing time)'),
            kind: 'datetime',
            value: beijingNow(),
          },
          { name: 'inspector', label: L('复查人', 'Inspector'), kind: 'text' },
          { name: 'areaRemovedM2', label: L('已拆除面积（㎡）', 'Area removed (m²)'), kind: 'number', optional: true },
          { name: 'notes', label: L('备注', 'Notes'), kind: 'textarea', optional: true },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/inspections', {
            params: { path: { id }, header: headers(etag) },
            body: { photos: [], ...body } as unknown as Schemas['InspectionAction'],
          }),
      };
    case 'grant-extension':
      return {
        action,
        title: ['延长期限', 'Extend the deadline'],
        fields: [
          { name: 'newDeadline', label: L('新的期限', 'New deadline'), kind: 'date', value: shanghaiToday(7) },
          { name: 'reason', label: L('延期理由', 'Reason'), kind: 'textarea' },
          { name: 'approver', label: L('批准人', 'Approved by'), kind: 'text' },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/extensions', {
            params: { path: { id }, header: headers(etag) },
            body: body as Schemas['ExtensionAction'],
          }),
      };
    case 'record-service':
      return {
        action,
        title: ['记录送达', 'Record the service'],
        fields: [
          { name: 'document', label: L('文书', 'Document'), kind: 'select', options: choices(outcomes) },
          { name: 'method', label: L('送达方式', 'Method'), kind: 'select', options: choices(SERVICE_METHODS) },
          {
            name: 'servedOn',
            label: L('送达日期（公告送达填公告发出日期）', 'Served on (for an announcement: the day it was published)'),
            kind: 'date',
            value: shanghaiToday(),
          },
          { name: 'receiver', label: L('受送达人/签收人', 'Received by'), kind: 'text', optional: true },
          { name: 'receiptReference', label: L('送达回证编号', 'Proof of service no.'), kind: 'text', optional: true },
          {
            name: 'witnesses',
            label: L('见证人或拍照录像记录（留置送达）', 'Witnesses or photo/video record (left at the premises)'),
            kind: 'text',
            optional: true,
          },
          {
            name: 'publishedIn',
            label: L('公告地点（公告送达）', 'Published in (by announcement)'),
            kind: 'text',
            optional: true,
          },
          {
            name: 'consent.signedOn',
            label: L('书面同意电子送达日期（电子送达）', 'Written consent signed on (electronic)'),
            kind: 'date',
            optional: true,
          },
          {
            name: 'consent.reference',
            label: L('书面同意文书编号（电子送达）', 'Written consent reference (electronic)'),
            kind: 'text',
            optional: true,
          },
          { name: 'notes', label: L('备注', 'Notes'), kind: 'textarea', optional: true },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/service', {
            params: { path: { id }, header: headers(etag) },
            body: body as Schemas['ServiceAction'],
          }),
      };
    case 'record-representation':
      return {
        action,
        title: ['记录陈述申辩', 'Record the representation'],
        cites: ['representation'],
        fields: [
          { name: 'receivedOn', label: L('收到日期', 'Received on'), kind: 'date', value: shanghaiToday() },
          { name: 'summary', label: L('陈述申辩要点', 'What the party said'), kind: 'textarea' },
          { name: 'outcome', label: L('处理意见', 'Decision'), kind: 'select', options: choices(outcomes) },
          { name: 'response', label: L('答复', 'Response'), kind: 'textarea' },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/representations', {
            params: { path: { id }, header: headers(etag) },
            body: body as Schemas['RepresentationAction'],
          }),
      };
    case 'file-appeal':
      return {
        action,
        title: ['记录复议/诉讼', 'Record an appeal'],
        cites: ['appeal'],
        fields: [
          { name: 'kind', label: L('类型', 'Kind'), kind: 'select', options: choices(APPEAL_KINDS) },
          { name: 'filedOn', label: L('提起日期', 'Filed on'), kind: 'date', value: shanghaiToday() },
          { name: 'authority', label: L('受理机关', 'Authority'), kind: 'text' },
          { name: 'reference', label: L('案号', 'Reference'), kind: 'text' },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/appeals', {
            params: { path: { id }, header: headers(etag) },
            body: { action: 'filed', ...body } as Schemas['AppealAction'],
          }),
      };
    case 'resolve-appeal':
      return {
        action,
        title: ['记录复议/诉讼结果', 'Record the appeal’s outcome'],
        cites: ['appeal'],
        fields: [
          { name: 'outcome', label: L('结果', 'Outcome'), kind: 'select', options: choices(outcomes) },
          { name: 'resolvedOn', label: L('日期', 'Resolved on'), kind: 'date', value: shanghaiToday() },
          { name: 'reference', label: L('文书编号', 'Reference'), kind: 'text' },
          { name: 'summary', label: L('摘要', 'Summary'), kind: 'textarea', optional: true },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/appeals', {
            params: { path: { id }, header: headers(etag) },
            body: { action: 'resolved', ...body } as Schemas['AppealAction'],
          }),
      };
    case 'complete-enforcement':
      return {
        action,
        title: ['记录强制拆除完成', 'Record the enforced demolition'],
        cites: ['enforcement'],
        fields: [
          {
            name: 'completedAt',
            label: L('完成时间（北京时间）', 'Completed at (Beijing time)'),
            kind: 'datetime',
            value: beijingNow(),
          },
          { name: 'teamLead', label: L('带队负责人', 'Team lead'), kind: 'text' },
          { name: 'areaRemovedM2', label: L('拆除面积（㎡）', 'Area removed (m²)'), kind: 'number' },
          { name: 'notes', label: L('备注', 'Notes'), kind: 'textarea', optional: true },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/enforcement', {
            params: { path: { id }, header: headers(etag) },
            body: body as Schemas['EnforcementAction'],
          }),
      };
    case 'dismiss':
      return {
        action,
        title: ['撤销案件', 'Dismiss the case'],
        fields: [
          { name: 'reason', label: L('撤销原因', 'Reason'), kind: 'select', options: choices(DISMISSAL_REASONS) },
          { name: 'explanation', label: L('说明', 'Explanation'), kind: 'textarea' },
          { name: 'duplicateOf', label: L('重复的案件编号', 'Duplicate of (case id)'), kind: 'text', optional: true },
        ],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/dismissal', {
            params: { path: { id }, header: headers(etag) },
            body: body as Schemas['DismissalAction'],
          }),
      };
    case 'resume-workflow':
      return {
        action,
        title: ['恢复办理流程', 'Resume the workflow'],
        fields: [{ name: 'reason', label: L('恢复原因', 'Reason'), kind: 'textarea' }],
        send: (api, id, etag, body) =>
          api.POST('/cases/{id}/resume', { params: { path: { id }, header: headers(etag) }, body: body as ResumeBody }),
      };
    default:
      return undefined;
  }
}
