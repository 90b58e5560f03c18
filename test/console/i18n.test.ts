import {
  APPEAL_KINDS,
  CATEGORIES,
  DISMISSAL_REASONS,
  INSPECTION_RESULTS,
  MATERIALS,
  ROLES,
  SERVICE_METHODS,
  SEVERITIES,
} from '../../functions/domain/vocabulary';
import { translator } from '../../console/src/translator';

const zh = translator('zh');

describe("the console's Chinese words for the API's vocabulary", () => {
  it.each([
    ['categories', CATEGORIES],
    ['severities', SEVERITIES],
    ['materials', MATERIALS],
    ['inspection results', INSPECTION_RESULTS],
    ['service methods', SERVICE_METHODS],
    ['dismissal reasons', DISMISSAL_REASONS],
    ['appeal kinds', APPEAL_KINDS],
    ['roles', ROLES],
    // What closing and the policy record in events (functions/tasks/steps/closing.ts, domain/policy.ts).
    ['closing outcomes', ['self-demolished', 'enforced']],
    ['period units', ['calendar-days', 'working-days', 'months']],
  ])('name every one of the %s in Chinese', (_name, values: readonly string[]) => {
    const untranslated = values.filter((value) => !/[\u4e00-\u9fff]/.test(zh.term(value)));
    expect(untranslated).toEqual([]);
  });
});
