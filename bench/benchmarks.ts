import type { Benchmark } from './harness';
import { storeAppendBenchmark } from './store.bench';
import { historyScalingBenchmark } from './history.bench';
import { mailOutboxBenchmark } from './mail.bench';
import { workflowBenchmark } from './workflow.bench';
import { infraBenchmark } from './infra.bench';
import { apiSubmitBenchmark, localRssBenchmark } from './api.bench';
import { importBenchmark } from './import.bench';
import { lifecycleBenchmark } from './lifecycle.bench';
import { consoleBenchmark } from './console.bench';
import { documentsBenchmark } from './documents.bench';

/** Every benchmark `npm run bench` runs, in order. */
export const BENCHMARKS: Benchmark[] = [
  storeAppendBenchmark,
  historyScalingBenchmark,
  mailOutboxBenchmark,
  workflowBenchmark,
  infraBenchmark,
  apiSubmitBenchmark,
  localRssBenchmark,
  importBenchmark,
  lifecycleBenchmark,
  consoleBenchmark,
  documentsBenchmark,
];
