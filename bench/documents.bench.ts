import { performance } from 'node:perf_hooks';
import { documentContent } from '#documents/document-content';
import { documentFont } from '#documents/document-font';
import { renderDocumentPdf } from '#documents/render-pdf';
import { sampleDocumentFacts } from '#test/fixtures/documents';
import type { Benchmark } from './harness';
import { percentile, round } from './harness';

const RENDERS = 40;

/**
 * The 限期拆除通知书 as the IssueNotice task renders it (document and 送达回证, the font subset embedded):
 * its size, and the time to render it in a warm process (p50 of 40, after one cold render).
 */
export const documentsBenchmark: Benchmark = {
  name: 'documents.pdf_kb documents.render_ms',
  async run(context) {
    const facts = sampleDocumentFacts();
    const content = documentContent(facts);
    const font = documentFont();
    const render = () => renderDocumentPdf(content, { font, issuedAt: new Date(facts.issuedAt) });
    const coldStart = performance.now();
    const pdf = await render();
    context.log(`cold render ${round(performance.now() - coldStart, 1)} ms, ${pdf.length} bytes`);
    const times: number[] = [];
    for (let i = 0; i < RENDERS; i += 1) {
      const start = performance.now();
      await render();
      times.push(performance.now() - start);
    }
    return {
      'documents.pdf_kb': { value: round(pdf.length / 1024, 1), unit: 'KB' },
      'documents.render_ms': {
        value: round(
          percentile(
            times.sort((a, b) => a - b),
            50,
          ),
          1,
        ),
        unit: 'ms',
      },
    };
  },
};
