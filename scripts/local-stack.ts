import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import sesModule from 'aws-ses-v2-local';
import { ensureTable } from '../functions/adapters/dynamo-store.js';

/**
 * The embedded engines that stand in for AWS: dynalite for DynamoDB and
 * aws-ses-v2-local for SES. Used by `npm start`, `npm test` and the benchmark.
 */
// aws-ses-v2-local is CommonJS with `exports.default`: Node's ESM loader hands over the exports
// object, Vite's loader the function itself.
type SesServer = typeof sesModule.default;
const sesExport: unknown = sesModule;
export const sesLocal = (typeof sesExport === 'function' ? sesExport : sesModule.default) as SesServer;

export type Engines = { dynamoUrl: string; sesUrl: string; stop(): Promise<void> };

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

const inUse = (port: number, label: string) =>
  new PortInUseError(`port ${port} (${label}) is already in use: stop what is using it or choose another port`);

/** Fails early with a readable message instead of an EADDRINUSE stack trace. */
export async function assertPortFree(port: number, label: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(inUse(port, label)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Listens on 127.0.0.1 (port 0: a free one) and resolves with the port; a taken port is a PortInUseError. */
export function listen(server: Server, port: number, label: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? inUse(port, label) : error));
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** dynalite on `port`: on disk under `path` (npm start), in memory without one (tests, benchmark). */
export async function startDynalite(port: number, path?: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (path) mkdirSync(path, { recursive: true });
  const dynamo = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const bound = await listen(dynamo, port, 'DynamoDB (dynalite), DYNAMO_PORT');
  return { url: `http://127.0.0.1:${bound}`, stop: () => closeServer(dynamo) };
}

export async function startEngines(options: { dynamoPort: number; sesPort: number; dataDir?: string }): Promise<Engines> {
  await assertPortFree(options.sesPort, 'SES mailbox (aws-ses-v2-local)');
  const dynamo = await startDynalite(options.dynamoPort, options.dataDir);
  const ses = await sesLocal({ port: options.sesPort, host: '127.0.0.1' });
  const sesPort = (ses.address() as AddressInfo).port;
  return {
    dynamoUrl: dynamo.url,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    async stop() {
      await Promise.all([dynamo.stop(), closeServer(ses)]);
    },
  };
}

/** The SDK settings that point every client at the engines (DESIGN.md, local contract). */
export function engineEnv(engines: Pick<Engines, 'dynamoUrl' | 'sesUrl'>): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: engines.dynamoUrl,
    AWS_ENDPOINT_URL_SES: engines.sesUrl,
    // The SDK's notice that Node 20 support ends in 2027 would open every local run.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** A DynamoDB client for the local engines, with the dummy credentials that keep real AWS out of reach. */
export function localDynamoClient(dynamoUrl: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint: dynamoUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

export async function createTableIn(dynamoUrl: string, tableName: string): Promise<void> {
  const client = localDynamoClient(dynamoUrl);
  try {
    await ensureTable(client, tableName);
  } finally {
    client.destroy();
  }
}
