import { brotliDecompressSync } from 'node:zlib';

/**
 * fontkit decompresses WOFF2 fonts with the `brotli` package, a JavaScript Brotli decoder whose built-in
 * dictionary is 475 KB of a document-rendering bundle, decoded as the bundle loads. Node has Brotli itself:
 * every bundle takes this in its place (infra/bundling.ts). Rectify's document font is TrueType, so it is
 * not even called; it keeps fontkit's contract (`decompress(buffer, outSize)`) should a WOFF2 font come.
 */
export default function decompress(buffer: Uint8Array): Uint8Array {
  return brotliDecompressSync(buffer);
}
