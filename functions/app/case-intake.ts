import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import * as z from 'zod';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { canonicalJson } from '#domain/chain';
import { newCaseId, openCase } from '#domain/case-history';
import type { ActorRef, CaseEvent, CaseRecord, CaseSubmission } from '#domain/schemas';
import { caseId as caseIdSchema, caseSubmissionSchema } from '#domain/schemas';
import { shanghaiDateOf } from '#domain/shanghai-time';
import { TERMINAL_STATUSES } from '#domain/vocabulary';
import {
  AddressCasesChangedError,
  AlreadyExistsError,
  BatchEntriesRefusedError,
  IdempotencyKeyTakenError,
} from '#store/errors';
import type { AddressCases, IdempotencyRecord, NewCase } from '#store/case-intake-store';
import { executionName } from '#workflow/engine';
import { startCaseWorkflow } from '#workflow/phases';
import { mapLimited } from '#shared/concurrency';
import type { IntakeDeps } from './context';
import { silentLogger } from './context';
import type { CaseView } from './case-view';
import { toCaseView } from './case-view';
import { callDependency, callEngine } from './dependency-errors';
import { DependencyUnavailableError, IdempotencyMismatchError, RequestInFlightError } from './errors';

/** How long an idempotency record is kept: replays within a day answer the original response. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * After this long an unfinished first request is presumed dead (its Lambda timed out or crashed) and a
 * replay finishes its work instead of waiting for it.
 */
export const IN_FLIGHT_TAKEOVER_MS = 5_000;
/** Attempts at storing a case: a redrawn id, or the address's list read again after another report there. */
const MAX_INTAKE_ATTEMPTS = 5;
/** Intake executions a batch starts at once. */
const BATCH_STARTS_IN_FLIGHT = 8;
/** The intake phase is the first execution of every case. */
const INTAKE = { phase: 'intake', round: 1 } as const;

export interface SubmitCaseInput {
  actor: ActorRef;
  idempotencyKey: string;
  submission: CaseSubmission;
}

export interface BatchItem {
  idempotencyKey: string;
  submission: CaseSubmission;
}

/** A batch item's answer: what `submit` would have returned for it alone, or what it would have thrown. */
export type BatchItemOutcome =
  { idempotencyKey: string; result: SubmitCaseResult } | { idempotencyKey: string; error: unknown };

export interface SubmitCaseResult {
  statusCode: number;
  body: CaseView;
  /** True when the answer is the stored response to an earlier request with the same key. */
  replayed: boolean;
}

/**
 * One key per person: the same Idempotency-Key from two reporters is two requests. Keys never contain
 * '/', so the scoped form cannot be forged by choosing a key.
 */
export function scopedIdempotencyKey(sub: string, key: string): string {
  return `${sub}/${key}`;
}

export function requestHashOf(submission: CaseSubmission): string {
  return createHash('sha256').update(canonicalJson(submission)).digest('hex');
}

/** Addresses written differently by different people (full-width digits, spaces, case) compare equal. */
export function addressKeyOf(location: CaseSubmission['location']): string {
  const normal = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return createHash('sha256')
    .update([location.subdistrict, location.community, location.address].map(normal).join('\u0000'))
    .digest('base64url')
    .slice(0, 32);
}

/**
 * The case as first reported: a pure function of the first event's facts, so the response to a
 * submission can be rebuilt exactly from the stored event when a replay finishes an interrupted request.
 */
export function reportedCaseOf(params: {
  id: string;
  at: Date;
  actor: ActorRef;
  submission: CaseSubmission;
  possibleDuplicates: string[];
}): { record: CaseRecord; event: CaseEvent } {
  const { id, at, actor, submission, possibleDuplicates } = params;
  return openCase(
    {
      id,
      category: submission.category,
      severity: submission.severity,
      location: submission.location,
      areaM2: submission.structure.areaM2,
      description: submission.description,
      responsibleParty: submission.responsibleParty,
      reporterSub: actor.sub,
      reportedAt: at.toISOString(),
      discoveredOn: submission.discoveredOn,
      deadlines: {},
      possibleDuplicates,
      execution: executionName({ caseId: id, ...INTAKE }),
    },
    { type: 'CASE_REPORTED', actor, at, data: { submission, possibleDuplicates } },
  );
}

const reportedEventDataSchema = z.object({
  submission: caseSubmissionSchema,
  possibleDuplicates: z.array(caseIdSchema),
});

function isTransactionConflict(error: unknown): boolean {
  const cancelled =
    error instanceof TransactionCanceledException ||
    (error as { name?: string } | null)?.name === 'TransactionCanceledException';
  return (
    cancelled &&
    ((error as TransactionCanceledException).CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict')
  );
}

/**
 * Case intake: `POST /cases`. One submission makes one case and one intake execution, however often
 * it is replayed: the case, its first event and the idempotency record are one transaction; the record
 * is completed with the response once the workflow has started.
 */
export function makeCaseIntake(deps: IntakeDeps) {
  const { store, engine, clock } = deps;
  const logger = deps.logger ?? silentLogger;
  const wallNow = deps.wallNow ?? Date.now;
  const random = deps.randomBytes ?? ((size: number) => nodeRandomBytes(size));

  /** The cases on the address's list that are still open: possible duplicates of a new report there. */
  async function openCasesAmong(known: AddressCases | undefined): Promise<string[]> {
    const open: string[] = [];
    for (const id of known?.caseIds ?? []) {
      const existing = await store.getCase(id, { consistent: false });
      if (existing && !TERMINAL_STATUSES.includes(existing.status)) open.push(id);
    }
    return open;
  }

  /** Starts the case's intake (by name: a second start starts nothing) and answers with the case as reported. */
  async function startIntake(caseId: string, body: CaseView, replayed: boolean): Promise<SubmitCaseResult> {
    let started: { name: string; started: boolean };
    try {
      started = await callEngine('start the intake workflow', () => startCaseWorkflow(engine, caseId));
    } catch (error) {
      // The case is stored and its key taken: a replay after the takeover delay, or the intake check, starts it.
      if (error instanceof DependencyUnavailableError) {
        throw new DependencyUnavailableError(error.part, error.message, Math.ceil(IN_FLIGHT_TAKEOVER_MS / 1000), {
          cause: error.cause,
        });
      }
      throw error;
    }
    logger.info('intake workflow', { caseId, execution: started.name, started: started.started });
    return { statusCode: 201, body, replayed };
  }

  /**
   * A request whose key is taken. The case was stored with the key in one transaction, and the request
   * is done once the intake execution exists: then the replay gets the original answer, rebuilt from the
   * case's first event. Until then the first request is in flight (409) — or, after the takeover delay,
   * presumed dead, and the replay finishes its work.
   */
  async function replay(key: string, requestHash: string): Promise<SubmitCaseResult> {
    const record = await callDependency('database', () => store.intake.getIdempotency(key));
    if (!record) throw new RequestInFlightError('a request with this Idempotency-Key is being processed', 1);
    if (record.requestHash !== requestHash) {
      throw new IdempotencyMismatchError(
        `this Idempotency-Key was used for a different submission (case ${record.caseId}); use a new key for a new case`,
      );
    }
    const done = await callEngine('look up the intake workflow', () =>
      engine.executionExists({ caseId: record.caseId, ...INTAKE }),
    );
    if (done) return { statusCode: 201, body: await reportedView(record), replayed: true };
    const age = wallNow() - Date.parse(record.createdAt);
    if (age < IN_FLIGHT_TAKEOVER_MS) {
      throw new RequestInFlightError(
        'the first request with this Idempotency-Key is still being processed',
        Math.max(1, Math.ceil((IN_FLIGHT_TAKEOVER_MS - age) / 1000)),
      );
    }
    logger.warn('taking over an unfinished submission', { caseId: record.caseId, ageMs: age });
    return startIntake(record.caseId, await reportedView(record), true);
  }

  /** The case as the first request answered it: rebuilt from its first event, which the hash confirms. */
  async function reportedView(record: IdempotencyRecord): Promise<CaseView> {
    const first = (await callDependency('database', () => store.history(record.caseId, { limit: 1 }))).items[0];
    if (!first) throw new Error(`idempotency record ${record.key} names case ${record.caseId}, which has no history`);
    const data = reportedEventDataSchema.parse(first.data);
    const rebuilt = reportedCaseOf({
      id: first.caseId,
      at: new Date(first.at),
      actor: first.actor,
      submission: data.submission,
      possibleDuplicates: data.possibleDuplicates,
    });
    if (rebuilt.event.hash !== first.hash)
      throw new Error(`case ${record.caseId}: the reported case cannot be rebuilt from its first event`);
    return toCaseView(rebuilt.record);
  }

  /** A new case for a submission, as first reported: its record, first event and idempotency record. */
  function newCase(input: SubmitCaseInput, key: string, requestHash: string, possibleDuplicates: string[]) {
    const now = clock.now();
    const id = newCaseId(shanghaiDateOf(now), random(6));
    const { record, event } = reportedCaseOf({
      id,
      at: now,
      actor: input.actor,
      submission: input.submission,
      possibleDuplicates,
    });
    const wall = wallNow();
    const idempotency: IdempotencyRecord = {
      key,
      requestHash,
      caseId: id,
      createdAt: new Date(wall).toISOString(),
      expiresAt: Math.floor(wall / 1000) + IDEMPOTENCY_TTL_SECONDS,
    };
    return { id, record, event, idempotency };
  }

  async function submit(input: SubmitCaseInput): Promise<SubmitCaseResult> {
    const key = scopedIdempotencyKey(input.actor.sub, input.idempotencyKey);
    const requestHash = requestHashOf(input.submission);
    const addressKey = addressKeyOf(input.submission.location);
    // Most reports are the first at their address: presume so, and let the transaction check it. Only
    // when it finds the address taken is its list read and each listed case's status looked at.
    let known: AddressCases | undefined;
    let possibleDuplicates: string[] = [];
    for (let attempt = 1; ; attempt += 1) {
      const { id, record, event, idempotency } = newCase(input, key, requestHash, possibleDuplicates);
      try {
        await callDependency('database', () =>
          store.intake.createCase(record, event, idempotency, { address: { addressKey, known } }),
        );
      } catch (error) {
        if (error instanceof IdempotencyKeyTakenError) return replay(key, requestHash);
        if (isTransactionConflict(error))
          throw new RequestInFlightError('a request with this Idempotency-Key is being processed', 1);
        if (error instanceof AddressCasesChangedError && attempt < MAX_INTAKE_ATTEMPTS) {
          known = await callDependency('database', () => store.intake.addressCases(addressKey));
          possibleDuplicates = await callDependency('database', () => openCasesAmong(known));
          continue;
        }
        // Two reports on one day drew the same six random characters: draw again.
        if (error instanceof AlreadyExistsError && attempt < MAX_INTAKE_ATTEMPTS) continue;
        throw error;
      }
      if (possibleDuplicates.length) logger.info('possible duplicate reported', { caseId: id, possibleDuplicates });
      return startIntake(id, toCaseView(record), false);
    }
  }

  /**
   * Several submissions of one person (a survey's rows), each with its own Idempotency-Key and answered
   * as `submit` would answer it alone. Those that are the first at their address and new under their
   * key — nearly all rows of a survey — are stored together in one transaction; the transaction is all
   * or nothing, so when some entries are refused (a key already used, an address with cases) the rest
   * are stored again without them, and the refused ones go through `submit` one by one, as do repeats
   * of an address or a key within the batch. Then each stored case's intake is started.
   */
  async function submitBatch(actor: ActorRef, items: readonly BatchItem[]): Promise<BatchItemOutcome[]> {
    const outcomes: BatchItemOutcome[] = items.map((item) => ({
      idempotencyKey: item.idempotencyKey,
      error: new Error('not processed'),
    }));
    const one = async (i: number) => {
      const item = items[i] as BatchItem;
      try {
        outcomes[i] = { idempotencyKey: item.idempotencyKey, result: await submit({ actor, ...item }) };
      } catch (error) {
        outcomes[i] = { idempotencyKey: item.idempotencyKey, error };
      }
    };
    const seenAddresses = new Set<string>();
    const seenKeys = new Set<string>();
    const alone: number[] = [];
    let together: (NewCase & { index: number })[] = [];
    items.forEach((item, index) => {
      const key = scopedIdempotencyKey(actor.sub, item.idempotencyKey);
      const addressKey = addressKeyOf(item.submission.location);
      if (seenAddresses.has(addressKey) || seenKeys.has(key)) return void alone.push(index);
      seenAddresses.add(addressKey);
      seenKeys.add(key);
      const { record, event, idempotency } = newCase({ actor, ...item }, key, requestHashOf(item.submission), []);
      together.push({ index, record, firstEvent: event, idempotency, addressKey });
    });
    for (let attempt = 1; together.length; attempt += 1) {
      try {
        const entries = together;
        await callDependency('database', () => store.intake.createCases(entries));
        break;
      } catch (error) {
        if (error instanceof BatchEntriesRefusedError) {
          // Refused again and again (other requests racing these rows): the rest go one by one too.
          const refused = attempt < MAX_INTAKE_ATTEMPTS ? new Set(error.entries) : new Set(together.keys());
          alone.push(...together.filter((_, i) => refused.has(i)).map((entry) => entry.index));
          together = together.filter((_, i) => !refused.has(i));
          continue;
        }
        for (const entry of together)
          outcomes[entry.index] = { idempotencyKey: (items[entry.index] as BatchItem).idempotencyKey, error };
        together = [];
      }
    }
    await mapLimited(together, BATCH_STARTS_IN_FLIGHT, async (entry) => {
      const idempotencyKey = (items[entry.index] as BatchItem).idempotencyKey;
      try {
        outcomes[entry.index] = {
          idempotencyKey,
          result: await startIntake(entry.record.id, toCaseView(entry.record), false),
        };
      } catch (error) {
        outcomes[entry.index] = { idempotencyKey, error };
      }
    });
    // In order: a later row at the same address lists the earlier one as a possible duplicate.
    for (const index of alone.sort((a, b) => a - b)) await one(index);
    return outcomes;
  }

  return { submit, submitBatch };
}
export type CaseIntake = ReturnType<typeof makeCaseIntake>;
