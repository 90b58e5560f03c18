import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one table's keys and indexes. The local stack creates the table from `createTableInput` and the
 * CDK stack from the same definition, so the two cannot drift.
 */
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Lists by status ordered by the running deadline: the work queues and the overdue list. */
    byStatusDue: { name: 'byStatusDue', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    /** Lists by sub-district ordered by report time: area lists and date-range reports. */
    byAreaReported: { name: 'byAreaReported', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    /** A reporter's own cases by report time: their lists read nothing but their cases. */
    byReporterReported: { name: 'byReporterReported', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
    /**
     * The cases whose chain head last moved on a UTC day: what the day's digest anchors, read without a
     * Scan. Keys only: a case item rewritten on the same day leaves this index untouched (no write), so
     * a case costs it one index write on the first change of each day it changes.
     */
    byHeadChangedDay: { name: 'byHeadChangedDay', partitionKey: 'GSI4PK', sortKey: 'GSI4SK', keysOnly: true },
  },
  /** Attributes copied into the list indexes so a list page is answered from the index alone. */
  projectedAttributes: [
    'id',
    'status',
    'version',
    'category',
    'severity',
    'location',
    'areaM2',
    'reportedAt',
    'discoveredOn',
    'updatedAt',
    'dueAt',
    'noticeNumber',
    'attention',
    'closedAt',
    'reporterSub',
    'milestones',
    'areaRemovedM2',
  ],
} as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(TABLE.indexes);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      TABLE.partitionKey,
      TABLE.sortKey,
      ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ].map((name) => ({
      AttributeName: name,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection:
        'keysOnly' in index
          ? { ProjectionType: 'KEYS_ONLY' }
          : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TABLE.projectedAttributes] },
    })),
  };
}

/** DynamoDB takes at most 100 items in one transaction; a new case is four. */
export const MAX_CASES_PER_TRANSACTION = 25;

/** Key builders: the only place key formats are spelled. */
export const keys = {
  case: (id: string) => ({ PK: `CASE#${id}`, SK: 'CASE' }),
  event: (id: string, seq: number) => ({ PK: `CASE#${id}`, SK: `EVT#${String(seq).padStart(9, '0')}` }),
  eventPrefix: 'EVT#',
  idempotency: (key: string) => ({ PK: `IDEMP#${key}`, SK: 'IDEMP' }),
  noticeCounter: (year: number) => ({ PK: `COUNTER#NOTICE#${year}`, SK: 'COUNTER' }),
  attention: (id: string) => ({ PK: keys.attentionPartition, SK: `CASE#${id}` }),
  attentionPartition: 'ATTENTION',
  /**
   * The cases reported at an address (a digest of sub-district, community and address), written in the
   * case's own transaction: the first report at an address checks for duplicates by that write alone.
   */
  addressCases: (addressKey: string) => ({ PK: `ADDRESS#${addressKey}`, SK: 'CASES' }),
  /** The registry of sub-districts and communities that have cases (reports enumerate it). */
  area: (subdistrict: string, community: string) => ({ PK: keys.areasPartition, SK: `${subdistrict}#${community}` }),
  areasPartition: 'AREAS',
  /** An email in the outbox, kept beside its case so a case's emails are one Query. */
  mail: (caseId: string, mailId: string) => ({ PK: `CASE#${caseId}`, SK: `MAIL#${mailId}` }),
  mailPrefix: 'MAIL#',
  /** An email's rendered text and HTML, written once beside its status item (which every state change rewrites). */
  mailBody: (caseId: string, mailId: string) => ({ PK: `CASE#${caseId}`, SK: `MAILBODY#${mailId}` }),
  /** The list of emails not yet delivered, oldest first; an entry leaves it when its email is settled. */
  pendingMail: (createdAt: string, mailId: string) => ({ PK: 'OUTBOX#PENDING', SK: `${createdAt}#${mailId}` }),
  pendingMailPartition: 'OUTBOX#PENDING',
  /** The local workflow engine's execution records (the local stack only) and the list of open ones. */
  localExecution: (name: string) => ({ PK: 'LOCALENGINE#EXECUTION', SK: name }),
  openLocalExecution: (name: string) => ({ PK: keys.openLocalExecutionsPartition, SK: name }),
  openLocalExecutionsPartition: 'LOCALENGINE#OPEN',
  /** Where a case without a running deadline sorts in the status index: after every dated one. */
  noDeadline: '9999-12-31T23:59:59.999Z',
  statusPartition: (status: string) => `STATUS#${status}`,
  areaPartition: (subdistrict: string) => `AREA#${subdistrict}`,
  statusIndex: (status: string, dueAt: string | undefined, id: string) => ({
    GSI1PK: keys.statusPartition(status),
    GSI1SK: `${dueAt ?? keys.noDeadline}#${id}`,
  }),
  areaIndex: (subdistrict: string, reportedAt: string, id: string) => ({
    GSI2PK: keys.areaPartition(subdistrict),
    GSI2SK: `${reportedAt}#${id}`,
  }),
  headChangedPartition: (utcDay: string) => `HEADS#${utcDay}`,
  /** The case listed under the UTC day of its latest event. */
  headChangedIndex: (lastEventAt: string, id: string) => ({
    GSI4PK: keys.headChangedPartition(new Date(lastEventAt).toISOString().slice(0, 10)),
    GSI4SK: id,
  }),
  reporterPartition: (reporterSub: string) => `REPORTER#${reporterSub}`,
  reporterIndex: (reporterSub: string, reportedAt: string, id: string) => ({
    GSI3PK: keys.reporterPartition(reporterSub),
    GSI3SK: `${reportedAt}#${id}`,
  }),
};
