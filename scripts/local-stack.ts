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
const sesLocal = (typeof sesExport === 'function' ? sesExport : sesModule.default) as SesServer;

export type Engines = { dynamoUrl: string; sesUrl: string; stop(): Promise<void> };

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Fails early with a readable message instead of an EADDRINUSE stack trace. */
export async function assertPortFree(port: number, label: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new PortInUseError(`port ${port} (${label}) is already in use: stop what is using it or choose another port`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startEngines(options: { dynamoPort: number; sesPort: number; dataDir?: string }): Promise<Engines> {
  await assertPortFree(options.dynamoPort, 'DynamoDB (dynalite)');
  await assertPortFree(options.sesPort, 'SES mailbox (aws-ses-v2-local)');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Without a path dynalite keeps everything in memory (tests); with one it persists (npm start).
  const dynamo = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoPort = await listen(dynamo, options.dynamoPort);
  const ses = await sesLocal({ port: options.sesPort, host: '127.0.0.1' });
  const sesPort = (ses.address() as AddressInfo).port;
  return {
    dynamoUrl: `http://127.0.0.1:${dynamoPort}`,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    async stop() {
      await Promise.all([close(dynamo), close(ses)]);
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

export async function createTableIn(dynamoUrl: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: dynamoUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, tableName);
  client.destroy();
}
