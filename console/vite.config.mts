import { defineConfig } from 'vite';

/** The console's build: `vite build --config console/vite.config.mts` (scripts/console-build.ts runs it). */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
