import { defineConfig } from 'vite';

/** The console's build: `vite build --config console/vite.config.mts` (scripts/console-build.ts runs it). */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The survey reader (cli/survey-file.ts) is shared with the CLI; in the browser csv-parse's own
  // browser build stands in for its Node build (which needs Node's Buffer).
  resolve: { alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
