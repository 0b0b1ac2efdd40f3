import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Invoker } from '../ports.js';

/**
 * Starts a fan-out worker as an asynchronous ("Event") invocation: Lambda
 * queues it and answers at once, so the cron returns within a second however
 * many workers it starts. A worker that fails is not retried by Lambda (set
 * in sst.config.ts): its claims expire and the next minute's run takes over.
 */
export function createLambdaInvoker(client: LambdaClient, functionName: string): Invoker {
  return {
    async invoke(job) {
      const result = await client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(job)) }),
      );
      if (result.StatusCode !== 202) throw new Error(`drip worker invocation answered ${result.StatusCode ?? 'nothing'}`);
    },
  };
}
