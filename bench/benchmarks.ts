import type { Benchmark } from './harness';
import { storeAppendBenchmark } from './store.bench';

/** Every benchmark `npm run bench` runs, in order. */
export const BENCHMARKS: Benchmark[] = [storeAppendBenchmark];
