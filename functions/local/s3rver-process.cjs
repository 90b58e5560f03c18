'use strict';
/**
 * The local S3-compatible server (s3rver) in a process of its own, started by s3-local.ts with umask 077
 * so every object file it writes under DATA_DIR is this user's alone. It prints its port once it serves
 * and exits when its parent closes its standard input (the parent stopped, or died).
 */
const S3rver = require('s3rver');
// s3rver knows one access key, S3RVER; the stack's processes sign with their own (AWS_ACCESS_KEY_ID),
// so that key is added to s3rver's single account. s3rver checks no SigV4 signature, only the key and expiry.
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

const options = JSON.parse(process.argv[2]);
for (const accessKeyId of options.accessKeyIds) DUMMY_ACCOUNT.createKeyPair(accessKeyId, 'local');

// Browsers upload and download straight to the store (the console on another port of localhost).
const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

const server = new S3rver({
  address: options.host,
  port: options.port,
  silent: true,
  directory: options.directory,
  configureBuckets: options.buckets.map((name) => ({ name, configs: [CORS] })),
});

server.run().then(
  ({ port }) => process.stdout.write(`${JSON.stringify({ port })}\n`),
  (error) => {
    process.stderr.write(`${String(error && error.stack ? error.stack : error)}\n`);
    process.exit(1);
  },
);

const stop = () => server.close().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', () => undefined);
