import { readFileSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import { mapStackTrace } from '#infra/stack-trace';

/**
 * `npm run -s map-stack-trace -- <index.js.map> < trace.txt`: prints a stack trace copied from a
 * function's log with its bundle frames (`index.js:1:23456`) named by source file and line. The map is
 * the function's own: `index.js.map` in its deployment package or in its `cdk.out/asset.<hash>` folder.
 */
const [mapFile] = process.argv.slice(2);
if (!mapFile) {
  process.stderr.write('usage: npm run -s map-stack-trace -- <index.js.map> < trace.txt\n');
  process.exit(2);
}
const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
process.stdout.write(mapStackTrace(readFileSync(0, 'utf8'), payload));
