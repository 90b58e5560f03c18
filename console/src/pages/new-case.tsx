import { useState } from 'preact/hooks';
import { isTerminal } from '#domain/lifecycle';
import { CATEGORIES, MATERIALS, SEVERITIES } from '#domain/vocabulary';
import type { CaseSubmission, CaseSummary, CaseView, Problem } from '../api';
import { fieldErrors } from '../api';
import { useApp, useSession } from '../app-context';
import { CaseTable } from '../case-table';
import { uploadEvidence } from '../evidence';
import { BASE_PATH } from '../config';
import { useT } from '../i18n';
import { shanghaiToday } from '../time';
import type { FieldSpec } from '../ui';
import { Alert, Field, formValues, problemText } from '../ui';

/** 登记案件: the submission's fields, with the open cases already at this address shown before and after. */
export function NewCase() {
  const { api } = useApp();
  const session = useSession();
  const tr = useT();
  const L = (zh: string, en: string) => (tr.lang === 'zh' ? zh : en);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [problem, setProblem] = useState<Problem>();
  const [created, setCreated] = useState<CaseView>();
  const [nearby, setNearby] = useState<CaseSummary[]>([]);
  const [busy, setBusy] = useState(false);
  const [uploads, setUploads] = useState<Map<string, number>>(new Map());
  const [uploadErrors, setUploadErrors] = useState<string[]>([]);
  const choices = (values: readonly string[]) => values.map((value) => ({ value, label: tr.term(value) }));

  const fields: FieldSpec[] = [
    { name: 'location.subdistrict', label: tr.t('subdistrict'), kind: 'text', value: session.subdistricts[0] },
    { name: 'location.community', label: tr.t('community'), kind: 'text' },
    { name: 'location.address', label: tr.t('address'), kind: 'text' },
    { name: 'category', label: tr.t('category'), kind: 'select', options: choices(CATEGORIES) },
    { name: 'severity', label: tr.t('severity'), kind: 'select', options: choices(SEVERITIES), value: 'moderate' },
    { name: 'description', label: tr.t('description'), kind: 'textarea' },
    { name: 'structure.areaM2', label: tr.t('area'), kind: 'number' },
    { name: 'structure.floors', label: L('层数', 'Floors'), kind: 'number', value: '1' },
    { name: 'structure.material', label: L('结构材料', 'Material'), kind: 'select', options: choices(MATERIALS) },
    { name: 'responsibleParty.name', label: L('当事人姓名', 'Responsible party'), kind: 'text' },
    { name: 'responsibleParty.phone', label: L('当事人电话', 'Party’s phone'), kind: 'tel' },
    { name: 'responsibleParty.unit', label: L('当事人单位', 'Party’s unit'), kind: 'text', optional: true },
    {
      name: 'reporter.name',
      label: L('登记人', 'Reported by'),
      kind: 'text',
      value: session.name.startsWith('local-') ? '' : session.name,
    },
    { name: 'reporter.unit', label: L('登记单位', 'Reporter’s unit'), kind: 'text', optional: true },
    { name: 'discoveredOn', label: L('发现日期', 'Discovered on'), kind: 'date', value: shanghaiToday() },
  ];
  const errors = fieldErrors(problem);

  /** Open cases the person can see at the address typed so far. */
  const lookForDuplicates = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const [subdistrict, community, address] = ['location.subdistrict', 'location.community', 'location.address'].map(
      (n) => String(data.get(n) ?? '').trim(),
    );
    if (!subdistrict || !address) return setNearby([]);
    const page = await api.GET('/cases', {
      params: { query: { subdistrict, ...(community ? { community } : {}), limit: 100 } },
    });
    setNearby((page.data?.items ?? []).filter((c) => !isTerminal(c.status) && c.location.address === address));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    setBusy(true);
    // The API validates every field; its answer names any that is wrong.
    const body = { photos: [], ...formValues(form, fields) } as unknown as CaseSubmission;
    const photos = [...((form.elements.namedItem('photo-files') as HTMLInputElement | null)?.files ?? [])];
    const result = await api.POST('/cases', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body });
    if (result.data) {
      setCreated(result.data);
      setProblem(undefined);
      setIdempotencyKey(crypto.randomUUID());
      // The photos go to the case once it exists, each straight to the object store.
      const failed: string[] = [];
      setUploads(new Map(photos.map((photo) => [photo.name, 0])));
      for (const photo of photos) {
        const outcome = await uploadEvidence(api, result.data.id, photo, 'intake', (share) =>
          setUploads((shown) => new Map(shown).set(photo.name, share)),
        );
        if (outcome.messages.length) failed.push(...outcome.messages.map((m) => `${photo.name}: ${tr.reason(m)}`));
        else setUploads((shown) => new Map(shown).set(photo.name, 1));
      }
      setUploadErrors(failed);
      setBusy(false);
      form.reset();
      return;
    }
    setBusy(false);
    setProblem(result.error);
  };

  return (
    <>
      <h1>{tr.t('newCase')}</h1>
      {created && (
        <Alert kind="ok">
          {tr.t('created')}
          <a href={`${BASE_PATH}/cases/${encodeURIComponent(created.id)}`}>{created.id}</a>
          {created.possibleDuplicates.length > 0 && (
            <>
              {' · '}
              {tr.t('possibleDuplicates')}:{' '}
              {created.possibleDuplicates.map((id) => (
                <a key={id} href={`${BASE_PATH}/cases/${encodeURIComponent(id)}`}>
                  {id}{' '}
                </a>
              ))}
            </>
          )}
        </Alert>
      )}
      {problem && <Alert>{problem.errors?.length ? tr.t('fixFields') : problemText(problem, tr)}</Alert>}
      {nearby.length > 0 && (
        <section class="card" aria-labelledby="dup-h">
          <h2 id="dup-h">{tr.t('possibleDuplicates')}</h2>
          <CaseTable cases={nearby} caption={tr.t('possibleDuplicates')} />
        </section>
      )}
      <form
        class="card grid2"
        onSubmit={(e) => void submit(e)}
        onFocusOut={(e) =>
          (e.target as HTMLElement).getAttribute('name')?.startsWith('location.') &&
          void lookForDuplicates(e.currentTarget as HTMLFormElement)
        }
        noValidate
        aria-label={tr.t('newCase')}
      >
        {fields.map((spec) => (
          <Field key={spec.name} spec={spec} error={errors.get(spec.name)} idPrefix="case" />
        ))}
        <div class={uploadErrors.length ? 'field field-error' : 'field'}>
          <label for="case-photo-files">
            {L(
              '现场照片（可多选；JPEG、PNG、HEIC 不超过 20 MB，PDF 不超过 50 MB）',
              'Photos (several allowed; JPEG, PNG, HEIC up to 20 MB, PDF up to 50 MB)',
            )}
          </label>
          <input
            id="case-photo-files"
            name="photo-files"
            type="file"
            multiple
            accept="image/jpeg,image/png,image/heic,.heic,application/pdf"
            aria-invalid={uploadErrors.length ? true : undefined}
            aria-describedby={uploadErrors.length ? 'case-photo-files-error' : undefined}
          />
          {[...uploads].map(([name, share]) => (
            <div key={name} class="upload-progress">
              <label>
                {name} <progress max={1} value={share} /> {Math.round(share * 100)}%
              </label>
            </div>
          ))}
          {uploadErrors.length > 0 && (
            <div class="field-message" id="case-photo-files-error" role="alert">
              {uploadErrors.map((message) => (
                <p key={message}>{message}</p>
              ))}
            </div>
          )}
        </div>
        <div>
          <button type="submit" disabled={busy}>
            {tr.t('submit')}
          </button>
        </div>
      </form>
    </>
  );
}
