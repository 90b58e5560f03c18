import { makeCaseExports } from '#app/case-exports';
import type { Operation } from '../route-pipeline';
import { requireViewer } from '../route-pipeline';
import type * as routes from '../routes';
import type { QueryDeps } from '#app/context';

/** The exports and the work-summary report (reads only). */
export function auditOperations(deps: QueryDeps): {
  exportCases: Operation<typeof routes.exportCases>;
  exportCaseHistory: Operation<typeof routes.exportCaseHistory>;
  getSummaryReport: Operation<typeof routes.getSummaryReport>;
} {
  const audit = makeCaseExports(deps);
  return {
    exportCases: async (input) => {
      const { overdue, attention, format, ...filter } = input.query;
      const chunk = await audit.exportList(
        requireViewer(input),
        { ...filter, overdue: overdue === 'true', attention: attention === 'true' },
        format,
      );
      return {
        statusCode: 200,
        text: chunk.text,
        headers: {
          'content-type': chunk.contentType,
          'content-disposition': `attachment; filename="cases.${format}"`,
          'x-row-count': String(chunk.rows),
          ...(chunk.cursor ? { 'x-next-cursor': chunk.cursor } : {}),
        },
      };
    },
    exportCaseHistory: async (input) => {
      const chunk = await audit.exportChronology(requireViewer(input), input.params.id, input.query.format);
      return {
        statusCode: 200,
        text: chunk.text,
        headers: {
          'content-type': chunk.contentType,
          'content-disposition': `attachment; filename="${input.params.id}-history.${input.query.format}"`,
          'x-row-count': String(chunk.rows),
        },
      };
    },
    getSummaryReport: async (input) => {
      requireViewer(input);
      return { statusCode: 200, body: await audit.summary(requireViewer(input), input.query) };
    },
  };
}
