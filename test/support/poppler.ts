import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const INSTALL = 'apt-get update && apt-get install -y poppler-utils';

/** Fails (never skips) when poppler's tools are missing, naming the command that installs them. */
function requirePoppler(tool: 'pdftotext' | 'pdftoppm' | 'pdffonts'): void {
  const probe = spawnSync(tool, ['-v'], { encoding: 'utf8' });
  if (probe.error) throw new Error(`${tool} (poppler-utils) is needed to read the rendered PDFs: ${INSTALL}`);
}

function withPdfFile<T>(pdf: Buffer, use: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'rectify-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    return use(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's text as pdftotext extracts it, with every white space removed (it drops those between CJK characters). */
export function pdfText(pdf: Buffer): string {
  requirePoppler('pdftotext');
  return withPdfFile(pdf, (file) =>
    execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  ).replace(/\s+/g, '');
}

/** How many pages the PDF has (pdftotext separates them with form feeds). */
export function pdfPageCount(pdf: Buffer): number {
  requirePoppler('pdftotext');
  const text = withPdfFile(pdf, (file) =>
    execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  );
  return text.split('\f').filter((page) => page.trim() !== '').length;
}

/** pdffonts' rows: name, type, whether embedded and subset. */
export function pdfFonts(pdf: Buffer): { name: string; embedded: boolean; subset: boolean }[] {
  requirePoppler('pdffonts');
  const out = withPdfFile(pdf, (file) => execFileSync('pdffonts', [file], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      // name type [encoding…] emb sub uni object ID: emb and sub are the 5th and 4th columns from the end.
      return { name: columns[0] ?? '', embedded: columns.at(-5) === 'yes', subset: columns.at(-4) === 'yes' };
    });
}

/**
 * The first page rendered at 60 dpi in grey (`pdftoppm -r 60 -gray`, a binary PGM): the share of dark
 * pixels, which is near zero when text extracts but no glyph is drawn.
 */
export function firstPageInk(pdf: Buffer): number {
  requirePoppler('pdftoppm');
  const pgm = withPdfFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-r', '60', '-gray', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page')]);
    return readFileSync(path.join(dir, 'page.pgm'));
  });
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a binary PGM');
  const pixels = pgm.subarray(header[0].length);
  let dark = 0;
  for (const value of pixels) if (value < 128) dark += 1;
  return dark / pixels.length;
}
