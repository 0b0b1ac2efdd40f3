import type { TestProject } from 'vitest/node';
import { startEngines, type Engines } from '../../scripts/local-stack.js';

let engines: Engines | undefined;

/** Starts the embedded engines once (in memory, free ports) and hands their URLs to the tests. */
export async function setup(project: TestProject): Promise<void> {
  engines = await startEngines({ dynamoPort: 0, sesPort: 0 });
  project.provide('dynamoUrl', engines.dynamoUrl);
  project.provide('sesUrl', engines.sesUrl);
}

export async function teardown(): Promise<void> {
  await engines?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoUrl: string;
    sesUrl: string;
  }
}
