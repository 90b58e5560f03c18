/**
 * Where the console finds the API and how people sign in. Written next to the console when it is deployed
 * (`config.json`), so one build serves every stage; the local stack answers it itself.
 */
import type { LegalClock } from './time';

export type ConsoleConfig = (
  { auth: 'local'; apiBase: string } | { auth: 'cognito'; apiBase: string; cognitoUrl: string; clientId: string }
) & { clock?: LegalClock };

export const BASE_PATH = '/console';

function isConfig(value: unknown): value is ConsoleConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.apiBase !== 'string') return false;
  if (v.auth === 'local') return true;
  return v.auth === 'cognito' && typeof v.cognitoUrl === 'string' && typeof v.clientId === 'string';
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(`${BASE_PATH}/config.json`, { cache: 'no-store' });
  const body: unknown = await response.json();
  if (!response.ok || !isConfig(body))
    throw new Error(`${BASE_PATH}/config.json is missing or not a console configuration`);
  return body;
}
