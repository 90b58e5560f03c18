/**
 * Generates the documents' font: Noto Sans SC Regular from `@expo-google-fonts/noto-sans-sc` (OFL), cut to
 * the GB2312 characters, printable ASCII and the full-width forms with `subset-font` (HarfBuzz), as
 * TrueType (pdfkit subsets TrueType per document; WOFF2 would render blank). About 2.4 MB from 10.5 MB.
 * Run after every install (scripts/ensure-setup.js); does nothing when the font is newer than the lockfile.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import subsetFont from 'subset-font';
import { DOCUMENT_FONT_FILE } from '#documents/document-font';

const ROOT = path.resolve(__dirname, '..');
const SOURCE = path.join(ROOT, 'node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const LOCKFILE = path.join(ROOT, 'package-lock.json');

/** Every character GB2312 encodes: rows 0xA1–0xF7, cells 0xA1–0xFE (symbols, kana, Cyrillic, 6,763 hanzi). */
export function gb2312Characters(): string[] {
  const characters: string[] = [];
  for (let row = 0xa1; row <= 0xf7; row += 1) {
    for (let cell = 0xa1; cell <= 0xfe; cell += 1) {
      const character = iconv.decode(Buffer.from([row, cell]), 'gb2312');
      if (character.length === 1 && character !== '\ufffd') characters.push(character);
    }
  }
  return characters;
}

function printableAscii(): string[] {
  return Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
}

/** Full-width ASCII (Ｕ+FF01–FF5E) and the CJK symbols block (〇、〔〕…), some of which GB2312 lacks. */
function fullWidthAndCjkSymbols(): string[] {
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
  return [...range(0xff01, 0xff5e), ...range(0x3000, 0x303f)];
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  if (!force && existsSync(DOCUMENT_FONT_FILE) && statSync(DOCUMENT_FONT_FILE).mtimeMs >= statSync(LOCKFILE).mtimeMs) {
    return;
  }
  const started = Date.now();
  const characters = new Set([...gb2312Characters(), ...printableAscii(), ...fullWidthAndCjkSymbols()]);
  const subset = await subsetFont(readFileSync(SOURCE), [...characters].join(''), { targetFormat: 'truetype' });
  mkdirSync(path.dirname(DOCUMENT_FONT_FILE), { recursive: true });
  writeFileSync(DOCUMENT_FONT_FILE, subset);
  console.log(
    `document font: ${characters.size} characters, ${(subset.length / 1024 / 1024).toFixed(2)} MB → ${path.relative(ROOT, DOCUMENT_FONT_FILE)} (${Date.now() - started} ms)`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
