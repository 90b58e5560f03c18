import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import type { Role } from '#domain/vocabulary';
import { ROLES } from '#domain/vocabulary';
import type { Scope, Viewer } from '#app/case-view';
import { CITY_SCOPE } from '#app/case-view';
import { HttpProblem } from './problem';

/** The person behind a request: their Cognito subject and the Rectify groups they belong to. */
export interface Principal {
  sub: string;
  roles: Role[];
  /** Where they act: the whole city (group `city`), or the sub-districts their account names. */
  scope: Scope;
}

/** The group that gives an officer, enforcer or reporter the whole city instead of named sub-districts. */
const CITY_GROUP = 'city';
/**
 * The Cognito custom attribute naming a person's sub-districts: a JSON array of names as written on cases,
 * e.g. `["小龙坎街道","渝碚路街道"]` (it reaches the Lambda as that string).
 */
const SUBDISTRICTS_CLAIM = 'custom:subdistricts';
const subdistrictListSchema = z.array(z.string().trim().min(1).max(64)).max(100);

/** The named sub-districts; a claim that is missing or not a JSON array of names names none. */
function subdistrictsOf(raw: unknown): string[] {
  if (typeof raw !== 'string' && !Array.isArray(raw)) return [];
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return [];
    }
  }
  const parsed = subdistrictListSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** Who may call a route. Writes are never open to auditors, whatever other groups they hold. */
export type Access = { public: true } | { public?: false; roles: readonly Role[]; writes: boolean };

const claimsSchema = z
  .object({
    sub: z.string().min(1).max(128),
    token_use: z.literal('id'),
  })
  .loose();

const tokenPayloadSchema = z.object({ sub: z.string(), 'cognito:groups': z.array(z.string()).optional() }).loose();

/**
 * The groups of the token the request carries, exactly as Cognito wrote them: a JSON array. API
 * Gateway's REST Cognito authorizer hands the Lambda every claim as a string and joins `cognito:groups`
 * with commas ("officer,auditor"); a Cognito group name may itself hold a comma, so that string cannot
 * tell the group "x,officer" from the groups "x" and "officer". The token itself, which the authorizer
 * has verified and passes on in the Authorization header, can: its payload is read, and used only when
 * its subject is the one the authorizer vouched for.
 */
function tokenGroups(event: Pick<APIGatewayProxyEvent, 'headers'>, sub: string): string[] {
  const authorization =
    Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '';
  const payload = /^Bearer\s+[\w-]+\.([\w-]+)\.[\w-]*$/i.exec(authorization.trim())?.[1];
  if (!payload) return [];
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return [];
  }
  const parsed = tokenPayloadSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.sub !== sub) return [];
  return parsed.data['cognito:groups'] ?? [];
}

/**
 * The principal from `requestContext.authorizer.claims`, where API Gateway's Cognito authorizer (and the
 * local server, which verifies its own tokens) puts them: an ID token's subject, with the roles its
 * groups name exactly. Undefined when there are no claims or they are not an ID token's.
 */
export function principalOf(event: Pick<APIGatewayProxyEvent, 'requestContext' | 'headers'>): Principal | undefined {
  const claims: unknown = event.requestContext?.authorizer?.claims;
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) return undefined;
  const raw: unknown = parsed.data['cognito:groups'];
  // A claim that is already a list (a decoded token) is exact; the gateway's string never is.
  const groups = Array.isArray(raw)
    ? raw.filter((g): g is string => typeof g === 'string')
    : tokenGroups(event, parsed.data.sub);
  const roles = ROLES.filter((role) => groups.includes(role));
  const scope: Scope = groups.includes(CITY_GROUP)
    ? CITY_SCOPE
    : { city: false, subdistricts: subdistrictsOf(parsed.data[SUBDISTRICTS_CLAIM]) };
  return { sub: parsed.data.sub, roles, scope };
}

/** When a principal holds several roles a route takes, the one they act in (docs/api.md, Roles). */
const ROLE_PREFERENCE: readonly Role[] = ['officer', 'enforcer', 'reporter', 'auditor'];

/**
 * The role the principal acts in on this route: of the route's roles they hold, the first in
 * ROLE_PREFERENCE. A refusal is a 403 that names what the route needs.
 */
export function actingViewer(principal: Principal, access: Exclude<Access, { public: true }>): Viewer {
  if (access.writes && principal.roles.includes('auditor')) {
    throw new HttpProblem('forbidden', 'Auditors read cases and their histories; they never change them.');
  }
  const role = ROLE_PREFERENCE.find((r) => access.roles.includes(r) && principal.roles.includes(r));
  if (!role) {
    const held = principal.roles.length
      ? `you act as ${principal.roles.join(', ')}`
      : 'your token carries no Rectify group';
    throw new HttpProblem('forbidden', `This route is for ${access.roles.join(', ')}; ${held}.`);
  }
  return { sub: principal.sub, role, scope: principal.scope };
}
