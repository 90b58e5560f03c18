import type { Manifest } from './manifest-types';

/**
 * Every Lambda entry of Rectify with what it serves and exactly what it may do. A template test fails
 * when an entry file exists that is not listed here, or a listed one does not exist.
 */
export const MANIFEST: Manifest = {
  workflow: { id: 'CaseLifecycle', definition: 'workflows/case-lifecycle.asl.json', name: 'case-lifecycle' },
  functions: [
    {
      kind: 'mail',
      id: 'DeliverPendingMail',
      entry: 'functions/mail/deliver-pending.ts',
      description: 'Delivers the emails an outage or a stopped sender left pending in the outbox',
      table: 'read-write',
      sendsMail: true,
      env: ['links', 'mail'],
      // Retries back off from 10 s; a sweep every 2 minutes that ends within 100 s never overlaps the next.
      everyMinutes: 2,
      timeoutSeconds: 100,
    },
  ],
};
