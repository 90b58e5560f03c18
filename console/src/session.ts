import type { Role } from '#domain/vocabulary';
import { ROLES } from '#domain/vocabulary';
import type { ConsoleConfig } from './config';
import { BASE_PATH } from './config';

/**
 * The signed-in person. The token lives in sessionStorage (gone when the tab closes, never in
 * localStorage); the role only decides what the console shows — the API decides what is allowed.
 */
export interface Session {
  token: string;
  sub: string;
  name: string;
  role: Role;
  /** Where the person acts: the whole city (group `city`), or the sub-districts their account names. */
  city: boolean;
  subdistricts: string[];
  expiresAt: number;
}

const TOKEN_KEY = 'rectify.token';
const PKCE_KEY = 'rectify.pkce';

function decodePayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? value.split(/[,\s]+/) : [];

/** `custom:subdistricts` holds a JSON array of names, as the API reads it (functions/api/auth.ts). */
function subdistrictsClaim(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

function sessionFromToken(token: string): Session | undefined {
  const claims = decodePayload(token);
  if (!claims) return undefined;
  const groups = asList(claims['cognito:groups']);
  const role = ROLES.find((r) => groups.includes(r));
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  if (!role || expiresAt <= Date.now()) return undefined;
  const sub = String(claims.sub ?? '');
  const name = String(claims.name ?? claims['cognito:username'] ?? claims.email ?? sub);
  const city = groups.includes('city');
  const subdistricts = city ? [] : subdistrictsClaim(claims['custom:subdistricts']);
  return { token, sub, name, role, city, subdistricts, expiresAt };
}

export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const session = token ? sessionFromToken(token) : undefined;
  if (token && !session) sessionStorage.removeItem(TOKEN_KEY);
  return session;
}

export function keepSession(token: string): Session | undefined {
  const session = sessionFromToken(token);
  if (session) sessionStorage.setItem(TOKEN_KEY, token);
  return session;
}

export function forgetSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PKCE_KEY);
}

const callbackUrl = () => `${location.origin}${BASE_PATH}/callback`;
const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** Cognito's hosted sign-in: the authorization-code flow with PKCE (RFC 7636). */
export async function startCognitoSignIn(config: Extract<ConsoleConfig, { auth: 'cognito' }>): Promise<void> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: callbackUrl(),
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  location.assign(`${config.cognitoUrl}/oauth2/authorize?${query}`);
}

export async function finishCognitoSignIn(
  config: Extract<ConsoleConfig, { auth: 'cognito' }>,
  params: URLSearchParams,
): Promise<Session> {
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  const code = params.get('code');
  if (!saved || !code || params.get('state') !== saved.state)
    throw new Error('The sign-in answer does not match the sign-in this tab started.');
  const response = await fetch(`${config.cognitoUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: callbackUrl(),
      code_verifier: saved.verifier,
    }),
  });
  const body = (await response.json()) as { id_token?: string; error?: string };
  const session = body.id_token ? keepSession(body.id_token) : undefined;
  if (!session) throw new Error(`Sign-in failed: ${body.error ?? 'no usable ID token (is the user in a role group?)'}`);
  return session;
}

export function cognitoLogoutUrl(config: Extract<ConsoleConfig, { auth: 'cognito' }>): string {
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: `${location.origin}${BASE_PATH}/` });
  return `${config.cognitoUrl}/logout?${query}`;
}
