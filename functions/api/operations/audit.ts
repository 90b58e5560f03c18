import { makeCaseExports } from '#app/case-exports';
import type { ObjectStore } from '#objects/object-store';
import type { ApiResult } from '../http';
import type { Operation } from '../route-pipeline';
import { requireViewer } from '../route-pipeline';
import type * as routes from '../routes';
import type { QueryDeps } from '#app/context';

/**
 * The whole filtered case list: the answer itself when it fits in one, else JSON with a presigned link to
 * it in the object store (marked `X-Export-Delivery: link`).
 */
export function exportCasesOperation(deps: QueryDeps & { objects: ObjectStore }): Operation<typeof routes.exportCases> {
  const audit = makeCaseExports(deps);
  return async (input): Promise<ApiResult> => {
    const { overdue, attention, format, ...filter } = input.query;
    const whole = await audit.exportWhole(
      requireViewer(input),
      { ...filter, overdue: overdue === 'true', attention: attention === 'true' },
      format,
      deps.objects,
    );
    if (whole.delivery === 'link') {
      const { delivery: _delivery, ...link } = whole;
      return {
        statusCode: 200,
        body: link,
        headers: { 'x-export-delivery': 'link', 'x-row-count': String(whole.rows) },
      };
    }
    return {
      statusCode: 200,
      text: whole.text,
      headers: {
        'content-type': whole.contentType,
        'content-disposition': `attachment; filename="cases.${format}"`,
        'x-row-count': String(whole.rows),
      },
    };
  };
}

/** The chronology export and the work-summary report (reads only). */
export function auditOperations(deps: QueryDeps): {
  exportCaseHistory: Operation<typeof routes.exportCaseHistory>;
  getSummaryReport: Operation<typeof routes.getSummaryReport>;
} {
  const audit = makeCaseExports(deps);
  return {
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
