import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import * as z from 'zod';

/** The answer of `GET /cases/export` when the export was too large for an answer: where to fetch it. */
export const exportLinkSchema = z
  .object({
    link: z.object({ method: z.literal('GET'), url: z.string(), headers: z.record(z.string(), z.string()) }).loose(),
    rows: z.number().int(),
    bytes: z.number().int(),
    sha256: z.string(),
  })
  .loose();
export type ExportLink = z.infer<typeof exportLinkSchema>;

const MB = 1024 * 1024;

/**
 * Follows an export's presigned link: the bytes go to the file (or standard output) as they arrive, a
 * progress bar on standard error counts them against the size the API announced, and the SHA-256 of what
 * arrived must be the one the API computed.
 */
export async function downloadExport(exported: ExportLink, out: string | undefined): Promise<void> {
  const response = await fetch(exported.link.url, { method: exported.link.method, headers: exported.link.headers });
  if (!response.ok || !response.body)
    throw new Error(
      `the export's download link answered ${response.status}${response.status === 403 ? ' (it is valid 5 minutes: export again)' : ''}`,
    );
  const sink: Writable = out ? createWriteStream(out) : process.stdout;
  const bar = new SingleBar(
    {
      format: 'downloading the export [{bar}] {done}/{size} MB',
      stream: process.stderr,
      // A redirected standard error still says how far the download got, line by line.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  const hash = createHash('sha256');
  let received = 0;
  bar.start(exported.bytes, 0, { done: '0.0', size: (exported.bytes / MB).toFixed(1) });
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.byteLength;
      if (!sink.write(chunk)) await once(sink, 'drain');
      bar.update(received, { done: (received / MB).toFixed(1) });
    }
  } finally {
    bar.stop();
    if (out) {
      sink.end();
      await once(sink, 'finish');
    }
  }
  const sha256 = hash.digest('hex');
  if (received !== exported.bytes || sha256 !== exported.sha256)
    throw new Error(
      `the downloaded export (${received} bytes, SHA-256 ${sha256}) is not the one the API wrote (${exported.bytes} bytes, SHA-256 ${exported.sha256})`,
    );
}
