import { makeCaseQueries } from '#app/case-queries';
import type { Operation } from '../route-pipeline';
import { requireViewer } from '../route-pipeline';
import type * as routes from '../routes';
import { caseResult } from './case-result';
import type { QueryDeps } from '#app/context';

/** `GET /cases/{id}`, `GET /cases`, `GET /cases/{id}/history` and `GET /cases/{id}/emails`. */
export function queryOperations(deps: QueryDeps): {
  getCase: Operation<typeof routes.getCase>;
  listCases: Operation<typeof routes.listCases>;
  getCaseHistory: Operation<typeof routes.getCaseHistory>;
  getCaseEmails: Operation<typeof routes.getCaseEmails>;
} {
  const queries = makeCaseQueries(deps);
  return {
    getCase: async (input) => caseResult(await queries.getCase(requireViewer(input), input.params.id)),
    listCases: async (input) => {
      const { overdue, attention, ...filter } = input.query;
      const page = await queries.listCases(requireViewer(input), {
        ...filter,
        overdue: overdue === 'true',
        attention: attention === 'true',
      });
      return { statusCode: 200, body: page };
    },
    getCaseHistory: async (input) => {
      const page = await queries.history(requireViewer(input), input.params.id, {
        cursor: input.query.cursor,
        limit: input.query.limit,
        verify: input.query.verify === 'true',
      });
      return { statusCode: 200, body: page };
    },
    getCaseEmails: async (input) => ({
      statusCode: 200,
      body: { items: await queries.emails(requireViewer(input), input.params.id) },
    }),
  };
}
