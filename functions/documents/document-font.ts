import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The font every document is set in: Noto Sans SC (SIL Open Font License, from the npm package
 * `@expo-google-fonts/noto-sans-sc`), cut to GB2312, ASCII and the CJK punctuation by
 * `scripts/document-font.ts` when dependencies are installed. It is generated, not committed: its origin
 * is the registry package named in the lockfile. The rendering functions carry it beside their bundle
 * (infra/bundling.ts), at the same path relative to the code as here.
 */
export const DOCUMENT_FONT_FILE = path.join(__dirname, 'fonts', 'noto-sans-sc-gb2312.ttf');

const DOCUMENT_FONT_COMMAND = 'npm run fonts';

let cached: Buffer | undefined;

/** The document font's bytes, read once per process. */
export function documentFont(): Buffer {
  if (cached) return cached;
  try {
    cached = readFileSync(DOCUMENT_FONT_FILE);
  } catch (error) {
    throw new Error(
      `the document font ${DOCUMENT_FONT_FILE} is missing: generate it with \`${DOCUMENT_FONT_COMMAND}\` (npm start and npm test do it after installing)`,
      { cause: error },
    );
  }
  return cached;
}
