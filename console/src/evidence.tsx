import { useEffect, useState } from 'preact/hooks';
import type { EvidenceStage } from '#domain/evidence';
import { EVIDENCE_STAGES, EVIDENCE_TYPES, mayAttachAt } from '#domain/evidence';
import type { Role } from '#domain/vocabulary';
import type { ApiClient, CaseEvent, Problem } from './api';
import type { paths } from './api/schema';
import { useApp, useSession } from './app-context';
import type { Translator } from './i18n';
import { useT } from './i18n';
import { formatTime } from './time';

/** A file of evidence as `GET /cases/{id}/evidence` lists it. */
export type EvidenceFile =
  paths['/cases/{id}/evidence']['get']['responses'][200]['content']['application/json']['items'][number];
/** A file `verify=true` found changed or missing. */
export type EvidenceMismatch = {
  evidenceId: string;
  reason: string;
};

const stageName = (stage: EvidenceStage, tr: Translator) => tr.term(stage);

/** The stages at which this role attaches files, as the API decides it (functions/domain/evidence.ts). */
const stagesFor = (role: Role): EvidenceStage[] => EVIDENCE_STAGES.filter((stage) => mayAttachAt(role, stage));

/** What a browser says a file is; HEIC photos often come with no type, so their name decides. */
function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  if (/\.(heic|heif)$/i.test(file.name)) return 'image/heic';
  return 'application/octet-stream';
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Sends the bytes to the presigned URL, reporting progress (fetch cannot report an upload's progress). */
function put(
  upload: { method: string; url: string; headers: Record<string, string> },
  file: File,
  onProgress: (share: number) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.url);
    // The browser sets Content-Length itself from the body; it may not be set by a page.
    for (const [name, value] of Object.entries(upload.headers))
      if (name.toLowerCase() !== 'content-length') request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => resolve(request.status);
    request.onerror = () => resolve(0);
    request.send(file);
  });
}

export type UploadOutcome = { evidenceId?: string; problem?: Problem; messages: string[] };

/**
 * Attaches one file to a case: asks the API where to put it, sends the bytes straight to the object store
 * with the presigned PUT (progress reported), and asks the API to confirm them. The API's problem, field
 * by field, is what a refusal says (wrong type, too large, not a photo after all).
 */
export async function uploadEvidence(
  api: ApiClient,
  caseId: string,
  file: File,
  stage: EvidenceStage,
  onProgress: (share: number) => void,
): Promise<UploadOutcome> {
  const asked = await api.POST('/cases/{id}/evidence-uploads', {
    params: { path: { id: caseId } },
    body: {
      fileName: file.name,
      contentType: contentTypeOf(file) as 'image/jpeg',
      size: file.size,
      stage,
    },
  });
  if (!asked.data) return { problem: asked.error, messages: messagesOf(asked.error) };
  const status = await put(asked.data.upload, file, onProgress);
  if (status < 200 || status >= 300)
    return { messages: [`the object store refused the upload (HTTP ${status || 'no answer'})`] };
  const confirmed = await api.POST('/cases/{id}/evidence', {
    params: { path: { id: caseId } },
    body: { evidenceId: asked.data.evidenceId, fileName: file.name, stage },
  });
  if (!confirmed.data) return { problem: confirmed.error, messages: messagesOf(confirmed.error) };
  return { evidenceId: confirmed.data.evidenceId, messages: [] };
}

function messagesOf(problem: Problem | undefined): string[] {
  if (!problem) return ['no answer from the API'];
  if (problem.errors?.length) return problem.errors.map((e) => e.message);
  return [problem.detail ?? problem.title];
}

/** A file input that uploads what is chosen, each file with its progress and the API's answer beside it. */
function EvidenceUpload({
  caseId,
  stages,
  idPrefix,
  onUploaded,
}: {
  caseId: string;
  stages: EvidenceStage[];
  idPrefix: string;
  onUploaded: () => void;
}) {
  const { api } = useApp();
  const tr = useT();
  const L = (zh: string, en: string) => (tr.lang === 'zh' ? zh : en);
  const [stage, setStage] = useState<EvidenceStage | undefined>(stages[0]);
  const [progress, setProgress] = useState<Map<string, number>>(new Map());
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  if (!stage) return null;
  const inputId = `${idPrefix}-file`;
  const errorId = `${inputId}-error`;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const files = [...((form.elements.namedItem('file') as HTMLInputElement | null)?.files ?? [])];
    if (files.length === 0) return setErrors([L('请选择文件', 'Choose a file')]);
    setBusy(true);
    setErrors([]);
    const failed: string[] = [];
    for (const file of files) {
      const outcome = await uploadEvidence(api, caseId, file, stage, (share) =>
        setProgress((shown) => new Map(shown).set(file.name, share)),
      );
      if (outcome.messages.length) failed.push(...outcome.messages.map((m) => `${file.name}: ${tr.reason(m)}`));
      else setProgress((shown) => new Map(shown).set(file.name, 1));
    }
    setBusy(false);
    setErrors(failed);
    if (failed.length < files.length) onUploaded();
    if (failed.length === 0) form.reset();
  };
  return (
    <form
      class="evidence-upload"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={L('上传证据', 'Upload evidence')}
    >
      {stages.length > 1 && (
        <div class="field">
          <label for={`${idPrefix}-stage`}>{L('环节', 'Stage')}</label>
          <select
            id={`${idPrefix}-stage`}
            value={stage}
            onChange={(e) => setStage((e.currentTarget as HTMLSelectElement).value as EvidenceStage)}
          >
            {stages.map((s) => (
              <option key={s} value={s}>
                {stageName(s, tr)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class={errors.length ? 'field field-error' : 'field'}>
        <label for={inputId}>
          {L(
            '照片或 PDF（照片不超过 20 MB，PDF 不超过 50 MB）',
            'Photos or PDFs (photos up to 20 MB, PDFs up to 50 MB)',
          )}
        </label>
        <input
          id={inputId}
          name="file"
          type="file"
          multiple
          accept="image/jpeg,image/png,image/heic,.heic,application/pdf"
          aria-invalid={errors.length ? true : undefined}
          aria-describedby={errors.length ? errorId : undefined}
        />
        {errors.length > 0 && (
          <div class="field-message" id={errorId} role="alert">
            {errors.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        )}
      </div>
      {[...progress].map(([name, share]) => (
        <div key={name} class="upload-progress">
          <label>
            {name} <progress max={1} value={share} /> {Math.round(share * 100)}%
          </label>
        </div>
      ))}
      <button type="submit" disabled={busy}>
        {L('上传', 'Upload')}
      </button>
    </form>
  );
}

/** A photo's thumbnail through its short-lived link; an icon for a PDF or a photo the browser cannot draw. */
function Thumbnail({ caseId, file }: { caseId: string; file: EvidenceFile }) {
  const { api } = useApp();
  const [src, setSrc] = useState<string>();
  const [undrawable, setUndrawable] = useState(false);
  const drawable = (file.contentType === 'image/jpeg' || file.contentType === 'image/png') && !undrawable;
  useEffect(() => {
    if (!drawable) return;
    void api
      .GET('/cases/{id}/evidence/{evidenceId}/download', {
        params: { path: { id: caseId, evidenceId: file.evidenceId } },
      })
      .then((link) => link.data && setSrc(link.data.url));
  }, [caseId, file.evidenceId]);
  if (drawable && src)
    return <img class="evidence-thumb" src={src} alt="" loading="lazy" onError={() => setUndrawable(true)} />;
  return (
    <span class="evidence-thumb evidence-icon" aria-hidden="true">
      {EVIDENCE_TYPES.get(file.contentType)?.label ?? '?'}
    </span>
  );
}

/** The case's files: what each is, who attached it when, where and when a photo was taken, and whether it still matches. */
export function EvidenceSection({
  caseId,
  files,
  events,
  mismatched,
  onChange,
}: {
  caseId: string;
  files: EvidenceFile[];
  events: CaseEvent[];
  mismatched: EvidenceMismatch[];
  onChange: () => void;
}) {
  const { api } = useApp();
  const session = useSession();
  const tr = useT();
  const L = (zh: string, en: string) => (tr.lang === 'zh' ? zh : en);
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const changed = new Map(mismatched.map((m) => [m.evidenceId, m]));
  const download = async (file: EvidenceFile) => {
    const link = await api.GET('/cases/{id}/evidence/{evidenceId}/download', {
      params: { path: { id: caseId, evidenceId: file.evidenceId } },
    });
    if (link.data) location.assign(link.data.url);
  };
  const stages = stagesFor(session.role);
  return (
    <section class="card" aria-labelledby="evidence-h" data-testid="evidence">
      <h2 id="evidence-h">{L('证据材料', 'Evidence')}</h2>
      {files.length === 0 ? (
        <p class="empty">{L('暂无证据材料', 'No files yet')}</p>
      ) : (
        <ul class="evidence-list">
          {files.map((file) => {
            const event = bySeq.get(file.seq);
            const problem = changed.get(file.evidenceId);
            return (
              <li
                key={file.evidenceId}
                class={problem ? 'evidence evidence-bad' : 'evidence'}
                data-evidence-id={file.evidenceId}
              >
                <Thumbnail caseId={caseId} file={file} />
                <div class="evidence-facts">
                  <strong class="evidence-name">{file.fileName}</strong>
                  {problem && (
                    <span class="badge badge-bad" data-testid="evidence-mismatch" title={problem.reason}>
                      ✗ {L('文件与记录的哈希不符', 'No longer matches its recorded hash')}
                    </span>
                  )}
                  <div class="count">
                    {stageName(file.stage, tr)} · {event ? `${tr.term(event.actor.role)} ${event.actor.sub}` : '—'} ·{' '}
                    <time dateTime={file.addedAt}>{formatTime(file.addedAt, tr.lang)}</time> · {sizeText(file.size)}
                  </div>
                  {(file.capturedAt || file.gps) && (
                    <div class="count">
                      {file.capturedAt && (
                        <>
                          {L('拍摄于', 'Taken')}{' '}
                          <time dateTime={file.capturedAt}>{formatTime(file.capturedAt, tr.lang)}</time>
                        </>
                      )}
                      {file.gps && (
                        <>
                          {file.capturedAt ? ' · ' : ''}
                          {L('位置', 'At')} {file.gps.latitude.toFixed(5)}, {file.gps.longitude.toFixed(5)}
                        </>
                      )}
                    </div>
                  )}
                </div>
                <button type="button" class="secondary" onClick={() => void download(file)}>
                  {L('下载', 'Download')}
                  <span class="visually-hidden"> {file.fileName}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {stages.length > 0 && (
        <EvidenceUpload caseId={caseId} stages={stages} idPrefix="evidence" onUploaded={onChange} />
      )}
    </section>
  );
}

/** The files of the stages an action rests on, to tick the ones it cites (sent as `evidenceIds`). */
export function EvidencePicker({
  files,
  stages,
  idPrefix,
  error,
}: {
  files: EvidenceFile[];
  stages: readonly EvidenceStage[];
  idPrefix: string;
  error: string | undefined;
}) {
  const tr = useT();
  const L = (zh: string, en: string) => (tr.lang === 'zh' ? zh : en);
  const eligible = files.filter((file) => stages.includes(file.stage));
  const errorId = `${idPrefix}-evidence-error`;
  return (
    <fieldset
      class={error ? 'field field-error evidence-picker' : 'field evidence-picker'}
      aria-describedby={error ? errorId : undefined}
    >
      <legend>{L('依据的证据材料', 'Evidence this rests on')}</legend>
      {eligible.length === 0 ? (
        <p class="field-hint">
          {L(
            `尚无${stages.map((s) => stageName(s, tr)).join('、')}环节的证据材料；可在“证据材料”中上传。`,
            `No ${stages.map((s) => stageName(s, tr)).join(' or ')} files yet; upload them under Evidence.`,
          )}
        </p>
      ) : (
        eligible.map((file) => (
          <div class="check" key={file.evidenceId}>
            <input
              type="checkbox"
              id={`${idPrefix}-cite-${file.evidenceId}`}
              name="evidenceIds"
              value={file.evidenceId}
            />
            <label for={`${idPrefix}-cite-${file.evidenceId}`}>
              {file.fileName} <span class="count">({formatTime(file.addedAt, tr.lang)})</span>
            </label>
          </div>
        ))
      )}
      {error && (
        <p class="field-message" id={errorId}>
          {tr.reason(error)}
        </p>
      )}
    </fieldset>
  );
}

/** The ids ticked in a form's evidence picker. */
export function citedEvidence(form: HTMLFormElement): string[] {
  return new FormData(form).getAll('evidenceIds').map(String);
}
