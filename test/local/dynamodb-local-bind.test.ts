import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import type { DynamoDbLocal } from '#local/dynamodb-local';
import { startDynamoDbLocal } from '#local/dynamodb-local';

/**
 * DynamoDB Local holds every case and its personal data without authentication: the local stack makes
 * it listen on 127.0.0.1 only, like the API and the mailbox page, so nobody else on the network reaches it.
 */
let dynamo: DynamoDbLocal;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

/** Whether a TCP connection to host:port is accepted (true) or refused (false). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve(false) : reject(error),
    );
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port}`));
    });
  });
}

/** The local addresses of the listening TCP sockets on a port, as the kernel lists them (hex, /proc/net/tcp*). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // Field 1 is local address:port, field 3 the state (0A: LISTEN).
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => (fields[1] as string).split(':')[0] as string),
  );
}

const LOOPBACK_HEX = new Set([
  '0100007F', // 127.0.0.1
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1
  '00000000000000000000000001000000', // ::1
]);

describe('DynamoDB Local of the local stack', () => {
  it('listens on the loopback address only', () => {
    const addresses = listeningAddresses(dynamo.port);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !LOOPBACK_HEX.has(address))).toEqual([]);
    expect(dynamo.loopbackOnly).toBe(true);
  });

  it('answers on 127.0.0.1 and refuses every other address of this machine', async () => {
    expect(await accepts('127.0.0.1', dynamo.port)).toBe(true);
    const others = Object.values(os.networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .filter((entry) => !entry.internal && !entry.address.startsWith('fe80'));
    if (others.length === 0)
      throw new Error('this machine has no non-loopback address to test against: attach a network interface');
    for (const { address } of others)
      expect({ address, accepts: await accepts(address, dynamo.port) }).toEqual({
        address,
        accepts: false,
      });
  });
});
