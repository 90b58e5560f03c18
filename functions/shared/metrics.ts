/**
 * Operational metrics written as CloudWatch embedded metric format lines: Lambda's log delivery turns
 * them into metrics the alarms read, with no client, permission or request at run time.
 */
export const METRIC_NAMESPACE = 'Rectify';

/** Every metric a function writes, by the name its alarm reads (infra/constructs/operations.ts). */
export const METRICS = {
  /** Bounces and complaints recorded on cases (functions/mail/record-mail-events.ts). */
  emailsBouncedOrComplained: 'EmailsBouncedOrComplained',
  /** SES reported a delivery delay; it keeps trying. */
  emailsDelayed: 'EmailsDelayed',
  /** Cases flagged for a person's attention, counted by the workflow check every run. */
  casesNeedingAttention: 'CasesNeedingAttention',
  /** Open cases no execution was waiting on (intake never started, a workflow stopped silently), found by the workflow check. */
  stalledWorkflowsFound: 'StalledWorkflowsFound',
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** The embedded-metric line for these values (written even when a value is 0, so a gauge reads 0). */
function metricLine(values: Partial<Record<MetricName, number>>, at: number = Date.now()): string {
  const entries = Object.entries(values) as [MetricName, number][];
  return JSON.stringify({
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[]],
          Metrics: entries.map(([name]) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    ...Object.fromEntries(entries),
  });
}

export function writeMetrics(values: Partial<Record<MetricName, number>>): void {
  process.stdout.write(`${metricLine(values)}\n`);
}
