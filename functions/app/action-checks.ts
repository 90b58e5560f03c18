import type { CaseRecord } from '#domain/schemas';
import { ActionInputError } from './errors';

/**
 * Checks of an action against the case it acts on, beyond what its schema alone can say: what a person
 * records must fit the case (no more area removed than the case has, no step before the report).
 */

/** A time recorded for a step of the case (an inspection, a demolition) is not before the case was reported. */
export function notBeforeReport(field: string, at: string | undefined, current: Pick<CaseRecord, 'reportedAt'>): void {
  if (at !== undefined && Date.parse(at) < Date.parse(current.reportedAt)) {
    throw new ActionInputError(field, `must not be before the case was reported (${current.reportedAt})`);
  }
}

/** The area removed, with what was removed before, is at most the case's area: the work summary adds it up. */
export function removedAreaFits(
  field: string,
  removedM2: number | undefined,
  current: Pick<CaseRecord, 'areaM2'>,
  removedBeforeM2 = 0,
): void {
  if (removedM2 === undefined) return;
  const total = removedBeforeM2 + removedM2;
  if (total > current.areaM2) {
    const before = removedBeforeM2 > 0 ? ` less the ${removedBeforeM2} m² already removed` : '';
    throw new ActionInputError(field, `must be at most the case's area (${current.areaM2} m²${before})`);
  }
}
