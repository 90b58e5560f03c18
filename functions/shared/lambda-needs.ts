/**
 * What a Lambda function needs from the rest of the system, declared once beside what it serves (its
 * route in functions/api/routes, its task in functions/tasks/declarations.ts). The stack derives the
 * function's role, environment and alarms from it; its entry builds exactly these dependencies.
 */

/**
 * `read`: Get/BatchGet/Query only. `read-write`: plus Put/Update/ConditionCheck (transactions). Deleting is
 * granted apart (`clearsAttention`, and every mail sender for its outbox), and only in the partitions
 * whose items are meant to go away: case items and their history are never deleted.
 */
export type TableAccess = 'none' | 'read' | 'read-write';

/**
 * The object store (evidence, documents, large exports): `read` gets objects and presigns downloads;
 * `read-write` also writes them, presigns uploads and hides refused uploads (a delete marker: Object Lock
 * keeps every version). `archive` lists a case's files and tags them when the case closes (the
 * lifecycle moves tagged files to cheaper storage); it neither reads nor writes their bytes.
 */
export type ObjectAccess = 'read' | 'read-write' | 'archive';

/**
 * The signed digests of the chain heads: `sign` writes the next digest and signs it with the digest key
 * (kms:Sign); `verify` reads the digests and the key's public half (kms:GetPublicKey).
 */
export type DigestAccess = 'sign' | 'verify';

/** Step Functions actions on the case workflow. */
export type WorkflowAction =
  'StartExecution' | 'SendTaskSuccess' | 'SendTaskFailure' | 'StopExecution' | 'DescribeExecution';

export interface LambdaNeeds {
  table: TableAccess;
  /** The workflow actions it takes; any gives it STATE_MACHINE_ARN and builds the Step Functions engine. */
  workflow?: readonly WorkflowAction[];
  /** Sends email through the outbox and SES: the mail configuration, SES, deleting delivered outbox entries. */
  mail?: boolean;
  /** Computes deadlines: the district's policy and calendar (POLICY_JSON, CALENDAR_JSON). */
  deadlines?: boolean;
  /** Clears a case's attention flag (DeleteItem in the attention partition). */
  clearsAttention?: boolean;
  /** The object store: OBJECT_BUCKET and the S3 actions of its level. */
  objects?: ObjectAccess;
  /**
   * Renders documents (a workflow task that issues them): the issuing offices (ISSUING_OFFICES_JSON) and
   * the document font beside its bundle. Stores them, so it also declares `objects: 'read-write'`.
   */
  documents?: boolean;
  /**
   * Seals or opens the cursors of pages: the deployment's cursor-key secret (CURSOR_SECRET_ARN and
   * secretsmanager:GetSecretValue on that one secret), read on the first cursor.
   */
  cursor?: boolean;
  /** The digest bucket and key: DIGEST_BUCKET, DIGEST_KEY_ARN and the actions of its level. */
  digests?: DigestAccess;
}
