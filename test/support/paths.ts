import os from 'node:os';
import path from 'node:path';

/** Where the global setup tells test files how to reach the local parts it started. */
export const LOCAL_PARTS_FILE = path.join(
  os.tmpdir(),
  `rectify-test-parts-${process.env.RECTIFY_TEST_RUN ?? process.ppid}.json`,
);
