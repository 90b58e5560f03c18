import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';

const ROOT = path.join(__dirname, '../..');
const results = z
  .object({ figures: z.record(z.string(), z.object({ value: z.number(), unit: z.string() })) })
  .parse(JSON.parse(readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')));
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The README's figures table: `| \`name\` | value unit | goal | what |`. */
function readmeFigures(): Map<string, { value: number; unit: string }> {
  const rows = new Map<string, { value: number; unit: string }>();
  for (const match of readme.matchAll(/^\| `([a-z0-9_.]+)` \| ([\d.]+) ([^|]+?) \|/gm)) {
    rows.set(match[1] ?? '', { value: Number(match[2]), unit: (match[3] ?? '').trim() });
  }
  return rows;
}

describe('the documents figures', () => {
  it.each(['documents.pdf_kb', 'documents.render_ms'])(
    '%s is in bench/results.json and the README shows the same value and unit',
    (name) => {
      const measured = results.figures[name];
      expect(measured).toBeDefined();
      expect(readmeFigures().get(name)).toEqual(measured);
    },
  );
});
