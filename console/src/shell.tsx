import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useMemo, useState } from 'preact/hooks';
import type { Role } from '#domain/vocabulary';
import { apiClient } from './api';
import type { AppState } from './app-context';
import { App } from './app-context';
import type { ConsoleConfig } from './config';
import { BASE_PATH } from './config';
import type { Lang, WordKey } from './i18n';
import { I18n, translator, useT } from './i18n';
import type { Session } from './session';
import { cognitoLogoutUrl, forgetSession, keepSession, storedSession } from './session';
import { SignIn, CognitoCallback } from './pages/sign-in';
import { Queue } from './pages/queue';

const CasePage = lazy(() => import('./pages/case-page').then((m) => m.CasePage));
const CaseList = lazy(() => import('./pages/case-list').then((m) => m.CaseList));
const NewCase = lazy(() => import('./pages/new-case').then((m) => m.NewCase));
const WorkSummary = lazy(() => import('./pages/work-summary').then((m) => m.WorkSummary));
const SurveyImport = lazy(() => import('./pages/survey-import').then((m) => m.SurveyImport));
const Digests = lazy(() => import('./pages/digests').then((m) => m.Digests));

const LANG_KEY = 'rectify.lang';

/** A digest spans every sub-district: the API answers its routes for auditors and city-wide officers only. */
const cityWide = (session: Session) => session.role === 'auditor' || session.city;

type NavEntry = [href: string, label: WordKey, roles: readonly Role[], shown?: (session: Session) => boolean];
/** The pages each role finds in the navigation; the API still decides what each may do. */
const NAV: NavEntry[] = [
  ['/', 'queue', ['officer', 'enforcer', 'reporter', 'auditor']],
  ['/cases', 'cases', ['officer', 'enforcer', 'reporter', 'auditor']],
  ['/cases/new', 'newCase', ['reporter', 'officer']],
  ['/import', 'import', ['reporter', 'officer']],
  ['/summary', 'summary', ['officer', 'auditor']],
  ['/digests', 'digests', ['auditor', 'officer'], cityWide],
];

function Nav({ session }: { session: Session }) {
  const { path } = useLocation();
  const tr = useT();
  const visible = ([, , roles, shown]: NavEntry) => roles.includes(session.role) && (shown?.(session) ?? true);
  return (
    <nav aria-label={tr.t('appName')}>
      <ul>
        {NAV.filter(visible).map(([href, key]) => {
          const full = `${BASE_PATH}${href}`;
          return (
            <li key={href}>
              <a href={full} aria-current={path === full ? 'page' : undefined}>
                {tr.t(key)}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function NotFound() {
  return <p>{useT().t('notFound')}</p>;
}

export function Shell({ config }: { config: ConsoleConfig }) {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'));
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const tr = useMemo(() => translator(lang), [lang]);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `Rectify · ${tr.t('appName')}`;

  const state = useMemo<AppState>(() => {
    const signOut = () => {
      forgetSession();
      setSession(undefined);
      if (config.auth === 'cognito') location.assign(cognitoLogoutUrl(config));
    };
    return {
      config,
      session,
      api: apiClient(config.apiBase, () => session?.token, signOut),
      signedIn(token) {
        const next = keepSession(token);
        setSession(next);
        return next !== undefined;
      },
      signOut,
    };
  }, [config, session]);

  const switchLang = () => {
    const next = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, next);
    setLang(next);
  };

  return (
    <I18n.Provider value={tr}>
      <App.Provider value={state}>
        <LocationProvider scope={BASE_PATH}>
          <a class="skip" href="#main">
            {tr.t('skipToContent')}
          </a>
          <header class="top">
            <a class="brand" href={`${BASE_PATH}/`}>
              Rectify · {tr.t('appName')}
            </a>
            {config.auth === 'local' && <span class="local-flag">{tr.t('localStack')}</span>}
            <div class="top-actions">
              <button type="button" class="link" onClick={switchLang} lang={lang === 'zh' ? 'en' : 'zh-CN'}>
                {tr.t('language')}
              </button>
              {session && (
                <>
                  <span class="who">
                    {session.name} · {tr.term(session.role)} ·{' '}
                    <span class="office" data-testid="office" title={tr.t('office')}>
                      {session.city || session.role === 'auditor'
                        ? tr.t('wholeCity')
                        : session.subdistricts.join(tr.lang === 'zh' ? '、' : ', ') || '—'}
                    </span>
                  </span>
                  <button type="button" class="link" onClick={state.signOut}>
                    {tr.t('signOut')}
                  </button>
                </>
              )}
            </div>
          </header>
          {session && <Nav session={session} />}
          <main id="main" tabIndex={-1}>
            {session ? (
              <Router>
                <Route path={`${BASE_PATH}/`} component={Queue} />
                <Route path={`${BASE_PATH}/cases`} component={CaseList} />
                <Route path={`${BASE_PATH}/cases/new`} component={NewCase} />
                <Route path={`${BASE_PATH}/cases/:id`} component={CasePage} />
                <Route path={`${BASE_PATH}/summary`} component={WorkSummary} />
                <Route path={`${BASE_PATH}/import`} component={SurveyImport} />
                <Route path={`${BASE_PATH}/digests`} component={Digests} />
                <Route path={`${BASE_PATH}/callback`} component={Queue} />
                <Route default component={NotFound} />
              </Router>
            ) : location.pathname === `${BASE_PATH}/callback` && config.auth === 'cognito' ? (
              <CognitoCallback />
            ) : (
              <SignIn />
            )}
          </main>
        </LocationProvider>
      </App.Provider>
    </I18n.Provider>
  );
}
