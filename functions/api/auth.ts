import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import type { Role } from '../domain/vocabulary';
import { ROLES } from '../domain/vocabulary';
import type { Viewer } from '../app/case-view';
import { HttpProblem } from './problem';

/** The person behind a request: their Cognito subject and the Rectify groups they belong to. */
export interface Principal {
  sub: string;
  roles: Role[];
}

/** Who may call a route. Writes are never open to auditors, whatever other groups they hold. */
export type Access = { public: true } | { public?: false; roles: readonly Role[]; writes: boolean };

const claimsSchema = z
  .object({
    sub: z.string().min(1).max(128),
    'cognito:groups': z.union([z.string(), z.array(z.string())]).optional(),
  })
  .loose();

/**
 * Cognito groups as the claim arrives: API Gateway's REST Cognito authorizer turns every claim into a
 * string ("officer" or "officer,auditor"), HTTP APIs write arrays as "[officer auditor]", and a decoded
 * JWT holds a real array.
 */
export function parseGroups(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw.map((g) => g.trim()).filter(Boolean);
  const inner = raw.trim().replace(/^\[(.*)\]$/s, '$1');
  return inner
    .split(/[,\s]+/)
    .map((g) => g.trim())
    .filter(Boolean);
}

/**
 * The principal from `requestContext.authorizer.claims`, exactly where API Gateway's Cognito authorizer
 * (and the local server, which verifies its own tokens) puts them. Undefined when there are none.
 */
export function principalOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Principal | undefined {
  const claims: unknown = event.requestContext?.authorizer?.claims;
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) return undefined;
  const groups = parseGroups(parsed.data['cognito:groups']);
  const roles = ROLES.filter((role) => groups.includes(role));
  return { sub: parsed.data.sub, roles };
}

/**
 * The role the principal acts in on this route: the first of the route's roles they hold, in the route's
 * order of preference. A refusal is a 403 that names what the route needs.
 */
export function actingViewer(principal: Principal, access: Exclude<Access, { public: true }>): Viewer {
  if (access.writes && principal.roles.includes('auditor')) {
    throw new HttpProblem('forbidden', 'Auditors read cases and their histories; they never change them.');
  }
  const role = access.roles.find((r) => principal.roles.includes(r));
  if (!role) {
    const held = principal.roles.length ? `you act as ${principal.roles.join(', ')}` : 'your token carries no Rectify group';
    throw new HttpProblem('forbidden', `This route is for ${access.roles.join(', ')}; ${held}.`);
  }
  return { sub: principal.sub, role };
}
