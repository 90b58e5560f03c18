import type { EvidenceRecord, EvidenceStage } from '#domain/evidence';
import { evidenceRecordSchema } from '#domain/evidence';
import type { CaseEvent } from '#domain/schemas';
import type { CaseStore } from '#store/case-store';
import type { Viewer } from './case-view';
import { loadVisibleCase } from './case-view';
import { callDependency } from './dependency-errors';
import { ActionInputError } from './errors';

/** A file as the case's history records it: its EVIDENCE_ADDED facts, when and at which event. */
export type RecordedEvidence = EvidenceRecord & { addedAt: string; seq: number };

/** What an action's event records of each file it cites: the hash chain then covers what it rests on. */
export interface EvidenceCitation {
  evidenceId: string;
  sha256: string;
}

function evidenceOf(event: CaseEvent): EvidenceRecord | undefined {
  if (event.type !== 'EVIDENCE_ADDED') return undefined;
  const parsed = evidenceRecordSchema.safeParse(event.data);
  return parsed.success ? parsed.data : undefined;
}

/** The files recorded on a case, read from its history (no object store needed). */
export function makeEvidenceFiles(deps: { store: Pick<CaseStore, 'allEvents' | 'getCase'> }) {
  const { store } = deps;
  /** Every file recorded on a case, in the order they were added. */
  async function list(caseId: string): Promise<RecordedEvidence[]> {
    const files: RecordedEvidence[] = [];
    for await (const event of store.allEvents(caseId)) {
      const file = evidenceOf(event);
      if (file) files.push({ ...file, addedAt: event.at, seq: event.seq });
    }
    return files;
  }

  async function recorded(caseId: string, id: string): Promise<EvidenceRecord | undefined> {
    return (await callDependency('database', () => list(caseId))).find((file) => file.evidenceId === id);
  }

  async function files(viewer: Viewer, caseId: string) {
    await loadVisibleCase(store, viewer, caseId);
    return callDependency('database', () => list(caseId));
  }

  /**
   * The files an action cites, each a confirmed file of this case attached at a stage that fits the action
   * (an inspection cites inspection photos, not the enforcement team's). A wrong id is refused naming its
   * place in the request (`evidenceIds[1]`), before anything is written.
   */
  async function cite(
    caseId: string,
    ids: readonly string[],
    stages: readonly EvidenceStage[],
    field: (index: number) => string = (index) => `evidenceIds[${index}]`,
  ): Promise<EvidenceCitation[]> {
    if (ids.length === 0) return [];
    const byId = new Map((await callDependency('database', () => list(caseId))).map((f) => [f.evidenceId, f]));
    return ids.map((id, i) => {
      const file = byId.get(id);
      if (!file) throw new ActionInputError(field(i), `case ${caseId} has no confirmed file ${id}`);
      if (!stages.includes(file.stage))
        throw new ActionInputError(
          field(i),
          `${id} (${file.fileName}) was attached at the ${file.stage} stage; this action cites files of the ${stages.join(' or ')} stage`,
        );
      return { evidenceId: file.evidenceId, sha256: file.sha256 };
    });
  }

  return { list, recorded, files, cite };
}
