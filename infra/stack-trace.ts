import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';

/** A frame of a deployed bundle in a stack trace: `index.js:<line>:<column>`, both counted from 1. */
const BUNDLE_FRAME = /(?:[^\s()]*\/)?index\.js:(\d+):(\d+)/g;

/**
 * A stack trace from a function's log with each frame in its bundle replaced by the file, line and
 * column it was built from (and, where the map names it, the original name), read from the map deployed
 * beside the bundle. Frames the map does not cover (Node's own) are left as they are.
 */
export function mapStackTrace(trace: string, payload: SourceMapPayload): string {
  const map = new SourceMap(payload);
  return trace.replace(BUNDLE_FRAME, (frame, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!('originalSource' in entry)) return frame;
    const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
    // Node 20's types do not list the name Node gives from 20.13 on.
    const original = (entry as { name?: unknown }).name;
    const name = typeof original === 'string' && original ? ` ${original}` : '';
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}${name}`;
  });
}
