import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoStore, ensureTable } from '../../functions/adapters/dynamo-store.js';
import { createSesMailer } from '../../functions/adapters/ses-mailer.js';
import { sendDue } from '../../functions/services/send-due.js';
import { startEngines } from '../local-stack.js';
import { benchDeps, reader } from './readers.js';

const local = { region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };

/**
 * The same pass against the local engines through the real SDK: DynamoDB on
 * dynalite, SES on aws-ses-v2-local (both in memory, on free ports). The
 * seeding is not timed; the mailbox is emptied afterwards.
 */
export async function measureLocal(due: number) {
  const engines = await startEngines({ dynamoPort: 0, sesPort: 0 });
  const dynamo = new DynamoDBClient({ ...local, endpoint: engines.dynamoUrl });
  const ses = new SESClient({ ...local, endpoint: engines.sesUrl });
  try {
    const table = 'bench';
    await ensureTable(dynamo, table);
    const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
    for (let start = 0; start < due; start += 25) {
      const batch = Array.from({ length: Math.min(25, due - start) }, (_, i) => ({ PutRequest: { Item: { ...reader(start + i, 'due'), version: 1 } } }));
      const written = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
      if (Object.keys(written.UnprocessedItems ?? {}).length > 0) throw new Error('dynalite left items unwritten');
    }
    const started = performance.now();
    const summary = await sendDue(benchDeps(createDynamoStore(dynamo, table), createSesMailer(ses)));
    const seconds = (performance.now() - started) / 1000;
    if (summary.sent !== due) throw new Error(`local run sent ${summary.sent} of ${due}`);
    return { sent: summary.sent, seconds, perSecond: summary.sent / seconds };
  } finally {
    await fetch(`${engines.sesUrl}/clear-store`, { method: 'POST' }).catch(() => undefined);
    dynamo.destroy();
    ses.destroy();
    await engines.stop();
  }
}
