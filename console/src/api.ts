import createClient from 'openapi-fetch';
import type { components, paths } from './api/schema';

export type CaseView = components['schemas']['Case'];
export type CaseSummary = components['schemas']['CaseSummary'];
export type CaseEvent = components['schemas']['CaseEvent'];
export type Problem = components['schemas']['Problem'];
export type CaseSubmission = components['schemas']['CaseSubmission'];
export type CaseEmail =
  paths['/cases/{id}/emails']['get']['responses'][200]['content']['application/json']['items'][number];

export type CaseDocument =
  paths['/cases/{id}/documents']['get']['responses'][200]['content']['application/json']['items'][number];

export type ApiClient = ReturnType<typeof createClient<paths>>;

/** The API client, typed by the generated description of the API; every call carries the bearer token. */
export function apiClient(baseUrl: string, token: () => string | undefined, onUnauthenticated: () => void): ApiClient {
  const client = createClient<paths>({ baseUrl: baseUrl || location.origin });
  client.use({
    onRequest({ request }) {
      const bearer = token();
      if (bearer) request.headers.set('Authorization', `Bearer ${bearer}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthenticated();
      return response;
    },
  });
  return client;
}

/** Field errors of a problem, keyed by the field's dotted path (`structure.areaM2`). */
export function fieldErrors(problem: Problem | undefined): Map<string, string> {
  const errors = new Map<string, string>();
  for (const error of problem?.errors ?? []) if (!errors.has(error.field)) errors.set(error.field, error.message);
  return errors;
}
