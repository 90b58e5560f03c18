import { pathToFileURL } from 'node:url';

/**
 * `import.meta.url` for code bundled into CommonJS, where esbuild leaves `import.meta` empty: the URL of
 * the bundle file itself. ESM packages that find a file beside their code (pdfkit's
 * `new URL('./data/…', import.meta.url)` and `createRequire(import.meta.url)`, run when the module loads)
 * would otherwise throw ERR_INVALID_URL before the handler exists. Injected into every bundle by
 * infra/bundling.ts.
 */
export const importMetaUrl = pathToFileURL(__filename).href;
