import { useEffect, useState } from 'preact/hooks';
import { ROLES } from '#domain/vocabulary';
import { useApp } from '../app-context';
import { useT } from '../i18n';
import { finishCognitoSignIn, startCognitoSignIn } from '../session';
import type { FieldSpec } from '../ui';
import { Alert, Field } from '../ui';

/** Locally: choose who you are and get a token from the local stack. In AWS: Cognito's hosted sign-in. */
export function SignIn() {
  const app = useApp();
  const tr = useT();
  const [failure, setFailure] = useState<string>();
  const [errors, setErrors] = useState(new Map<string, string>());

  if (app.config.auth === 'cognito') {
    const config = app.config;
    return (
      <section class="card narrow">
        <h1>{tr.t('signIn')}</h1>
        <button type="button" onClick={() => void startCognitoSignIn(config)}>
          {tr.t('signInWithCognito')}
        </button>
      </section>
    );
  }

  const fields: FieldSpec[] = [
    {
      name: 'role',
      label: tr.t('role'),
      kind: 'select',
      options: ROLES.map((r) => ({ value: r, label: tr.term(r) })),
      value: 'officer',
    },
    { name: 'sub', label: tr.t('person'), kind: 'text', optional: true },
    { name: 'subdistricts', label: tr.t('scope'), kind: 'text', optional: true, hint: tr.t('scopeHint') },
  ];

  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const subdistricts = text('subdistricts')
      .split(/[,，]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const body = {
      role: text('role'),
      ...(text('sub') ? { sub: text('sub') } : {}),
      ...(subdistricts.length ? { subdistricts } : {}),
    };
    const response = await fetch(`${app.config.apiBase}/local/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as {
      token?: string;
      type?: string;
      title?: string;
      errors?: { field: string; message: string }[];
    };
    if (response.ok && answer.token && app.signedIn(answer.token)) return;
    setErrors(new Map((answer.errors ?? []).map((e) => [e.field, e.message])));
    setFailure(tr.problemTitle(answer) || `HTTP ${response.status}`);
  };

  return (
    <section class="card narrow">
      <h1>{tr.t('signIn')}</h1>
      <Alert kind="info">
        <strong>{tr.t('localStack')}</strong> {tr.t('localStackNote')}
      </Alert>
      {failure && <Alert>{failure}</Alert>}
      <form onSubmit={(e) => void submit(e)} noValidate>
        {fields.map((spec) => (
          <Field key={spec.name} spec={spec} error={errors.get(spec.name)} idPrefix="sign-in" />
        ))}
        <button type="submit">{tr.t('signIn')}</button>
      </form>
    </section>
  );
}

export function CognitoCallback() {
  const app = useApp();
  const tr = useT();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    if (app.config.auth !== 'cognito') return;
    finishCognitoSignIn(app.config, new URLSearchParams(location.search)).then(
      (session) => {
        history.replaceState(null, '', '/console/');
        app.signedIn(session.token);
      },
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  }, [app]);
  return failure ? <Alert>{failure}</Alert> : <p aria-busy="true">{tr.t('loading')}</p>;
}
