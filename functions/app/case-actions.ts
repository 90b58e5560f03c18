import { applyEvent } from '#domain/case-history';
import { decide } from '#domain/lifecycle';
import type {
  AppealAction,
  CaseRecord,
  DismissalAction,
  EnforcementAction,
  ExtensionAction,
  InspectionAction,
  RepresentationAction,
  ResumeAction,
  ServiceAction,
} from '#domain/schemas';
import type { CaseStatus, EventType } from '#domain/vocabulary';
import { WORKFLOW_STATUSES } from '#domain/vocabulary';
import { VersionConflictError } from '#store/errors';
import { makeActionAftermath } from './action-aftermath';
import type { ActionSpec } from './action-specs';
import {
  appealFiledSpec,
  appealResolvedSpec,
  dismissalSpec,
  enforcementSpec,
  extensionSpec,
  inspectionSpec,
  representationSpec,
  resumeSpec,
  serviceSpec,
} from './action-specs';
import type { Viewer } from './case-view';
import { loadVisibleCase } from './case-view';
import type { ActionDeps, DeadlineDeps } from './context';
import { silentLogger } from './context';
import { callDependency } from './dependency-errors';
import { makeEvidenceFiles } from './evidence-files';
import { RoleRefusedError, StaleVersionError, TransitionRefusedError } from './errors';
import type { ResumePlan } from './workflow-resume';
import { carryingExecutionStatus, resumePlan } from './workflow-resume';

/** An unversioned request is retried this often when the workflow changes the case at the same moment. */
const UNVERSIONED_ATTEMPTS = 3;

/**
 * The officer's and enforcer's actions on a case (`POST /cases/{id}/…`): load the case, check the
 * version the person saw, ask the lifecycle whether their role may do this now, store the action and
 * the next case state as one version-guarded transaction, then tell the workflow. What each action
 * checks and records is declared in `action-specs.ts`.
 */
function makeActionRunner(deps: ActionDeps) {
  const { store, engine, clock } = deps;
  const logger = deps.logger ?? silentLogger;
  const { mail, carryOut } = makeActionAftermath({
    store,
    engine,
    clock,
    logger,
    mailer: deps.mailer,
    caseFiles: deps.objects,
  });
  const evidence = makeEvidenceFiles({ store });

  /** The resume an action folds in when the workflow that waited for it no longer runs. */
  async function restartFor(current: CaseRecord, to: CaseStatus, spec: ActionSpec): Promise<ResumePlan | undefined> {
    if (!spec.carriesOnWorkflow || current.pendingCallback || !WORKFLOW_STATUSES.includes(to)) return undefined;
    try {
      if ((await carryingExecutionStatus(engine, current)) === 'RUNNING') return undefined;
    } catch (error) {
      // The action does not wait for the engine: if the workflow did stop, the periodic check resumes it.
      logger.warn('could not tell whether the workflow runs; recording the action without resuming it', {
        caseId: current.id,
        error: String(error),
      });
      return undefined;
    }
    return resumePlan(current, clock.now(), { reason: `${spec.action} recorded after the workflow stopped` });
  }

  async function act(
    viewer: Viewer,
    caseId: string,
    expectedVersion: number | undefined,
    spec: ActionSpec,
  ): Promise<CaseRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await loadVisibleCase(store, viewer, caseId);
      const leftToDo = attempt === 1 ? spec.repeated?.(current, viewer.role) : undefined;
      if (leftToDo) {
        await carryOut(current, current.lastSeq, current, leftToDo);
        return current;
      }
      if (expectedVersion !== undefined && expectedVersion !== current.version)
        throw new StaleVersionError(caseId, expectedVersion, current.version);
      const decision = decide(current.status, spec.action, viewer.role, spec.outcome);
      if (!decision.allowed) {
        if (decision.kind === 'role') throw new RoleRefusedError(decision.reason);
        throw new TransitionRefusedError(decision.reason, current.version);
      }
      const cited = spec.cites
        ? await evidence.cite(caseId, spec.cites.evidenceIds ?? [], spec.cites.stages, spec.cites.field)
        : [];
      const now = clock.now();
      const plan = await spec.plan(current, now, decision.to);
      const restart = await restartFor(current, decision.to, spec);
      const data = {
        ...plan.data,
        ...(cited.length > 0 ? { evidence: cited } : {}),
        ...(restart ? { resumedWorkflow: restart.name } : {}),
      };
      const patch = restart ? { ...plan.patch, ...restart.patch } : plan.patch;
      const { next, event } = applyEvent(
        current,
        { type: decision.event as EventType, actor: { sub: viewer.sub, role: viewer.role }, at: now, data },
        decision.to,
        patch,
      );
      try {
        await callDependency('database', () => store.commit(current, next, event));
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (expectedVersion !== undefined) throw new StaleVersionError(caseId, expectedVersion, undefined);
        if (attempt >= UNVERSIONED_ATTEMPTS) throw new StaleVersionError(caseId, current.version, undefined);
        continue;
      }
      const actionMail = spec.mail?.(next, current, plan.data);
      if (actionMail) await mail(next, event.seq, actionMail);
      await carryOut(
        next,
        event.seq,
        current,
        restart ? { kind: 'start-resume', execution: restart.execution } : spec.aftermath(current, next),
      );
      return next;
    }
  }

  return act;
}

/** The actions that compute no deadline. */
export function makeCaseActions(deps: ActionDeps) {
  const act = makeActionRunner(deps);
  return {
    recordInspection: (viewer: Viewer, caseId: string, input: InspectionAction): Promise<CaseRecord> =>
      act(viewer, caseId, input.expectedVersion, inspectionSpec(input)),
    recordRepresentation: (viewer: Viewer, caseId: string, input: RepresentationAction): Promise<CaseRecord> =>
      act(viewer, caseId, input.expectedVersion, representationSpec(input)),
    recordAppeal: (viewer: Viewer, caseId: string, input: AppealAction): Promise<CaseRecord> =>
      act(
        viewer,
        caseId,
        input.expectedVersion,
        input.action === 'filed' ? appealFiledSpec(input) : appealResolvedSpec(input),
      ),
    recordEnforcement: (viewer: Viewer, caseId: string, input: EnforcementAction): Promise<CaseRecord> =>
      act(viewer, caseId, input.expectedVersion, enforcementSpec(input)),
    dismiss: (viewer: Viewer, caseId: string, input: DismissalAction): Promise<CaseRecord> =>
      act(viewer, caseId, input.expectedVersion, dismissalSpec(input, deps)),
  };
}

/** The actions that compute deadlines from the district's policy and calendar: an extension, a service, a resume. */
export function makeDeadlineActions(deps: ActionDeps & DeadlineDeps) {
  const act = makeActionRunner(deps);
  return {
    grantExtension: (viewer: Viewer, caseId: string, input: ExtensionAction): Promise<CaseRecord> =>
      act(viewer, caseId, input.expectedVersion, extensionSpec(input, deps)),
    recordService: (viewer: Viewer, caseId: string, input: ServiceAction): Promise<CaseRecord> =>
      act(viewer, caseId, input.expectedVersion, serviceSpec(input, deps)),
    resume: (viewer: Viewer, caseId: string, input: ResumeAction): Promise<CaseRecord> =>
      act(viewer, caseId, input.expectedVersion, resumeSpec(input, deps)),
  };
}
