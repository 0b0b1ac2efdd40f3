import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynaliteDb from 'dynalite/db/index.js';
import { createDynamoCounterStore } from '../../functions/adapters/counter-stores.js';
import { createDynamoStore, ensureTable } from '../../functions/adapters/dynamo-store.js';
import { sendDue } from '../../functions/services/send-due.js';
import { startDynalite } from '../local-stack.js';
import { benchDeps, reader, sinkMailer } from './readers.js';

/**
 * write_units_per_lesson: the DynamoDB write units one drip pass spends per
 * lesson sent, with the course counters and without. The table's units are
 * what dynalite reports as ConsumedCapacity on every write (it charges as
 * DynamoDB does: 1 KB units, the larger of the item before and after). The due
 * index's are computed, because dynalite reports none: the index projects
 * the whole record, so a write costs the item's size in 1 KB units there too,
 * plus the old entry's when the write moves or removes it (AWS's rule for a
 * changed index key).
 */
const local = { region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
type Marshalled = Record<string, AttributeValue>;
const itemSize = (item: Marshalled) => dynaliteDb.itemSize(item);
const units = (item: Marshalled | undefined) => (item ? Math.ceil(itemSize(item) / 1024) : 0);
const indexed = (item: Marshalled | undefined) => Boolean(item?.dueShard && item.due);

function metered(endpoint: string, table: string) {
  const client = new DynamoDBClient({ ...local, endpoint });
  const raw = new DynamoDBClient({ ...local, endpoint });
  const spent = { table: 0, index: 0, writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const write = /^(Put|Update|Delete)Item/.test(context.commandName ?? '');
      if (write) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      if (write) {
        spent.writes++;
        spent.table += consumed?.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'meterTableUnits' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const kind = /^(Put|Delete)Item/.exec(context.commandName ?? '')?.[1];
      const sent = (args.request as { body?: string | Uint8Array }).body ?? '{}';
      const body = kind ? (JSON.parse(typeof sent === 'string' ? sent : new TextDecoder().decode(sent)) as { Item?: Marshalled; Key?: Marshalled }) : {};
      const key = body.Item?.email ?? body.Key?.email;
      const before = key?.S?.includes('@') ? (await raw.send(new GetItemCommand({ TableName: table, Key: { email: key }, ConsistentRead: true }))).Item : undefined;
      const result = await next(args);
      if (key?.S?.includes('@')) {
        const after = kind === 'Put' ? body.Item : undefined;
        const moved = indexed(before) && (!indexed(after) || before?.due?.N !== after?.due?.N || before?.dueShard?.N !== after?.dueShard?.N);
        spent.index += (moved ? units(before) : 0) + (indexed(after) ? units(after) : 0);
      }
      return result;
    },
    { step: 'build', name: 'meterIndexUnits' },
  );
  return { client, spent, close: () => (client.destroy(), raw.destroy()) };
}

async function onePass(endpoint: string, due: number, withCounters: boolean) {
  const table = `bench-${withCounters ? 'counted' : 'plain'}`;
  const setup = new DynamoDBClient({ ...local, endpoint });
  await ensureTable(setup, table);
  const doc = DynamoDBDocumentClient.from(setup, { marshallOptions: { removeUndefinedValues: true } });
  for (let start = 0; start < due; start += 25) {
    const batch = Array.from({ length: Math.min(25, due - start) }, (_, i) => ({ PutRequest: { Item: { ...reader(start + i, 'due'), version: 1 } } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
  }
  setup.destroy();
  const meter = metered(endpoint, table);
  try {
    const deps = { ...benchDeps(createDynamoStore(meter.client, table), sinkMailer()), ...(withCounters ? { counters: createDynamoCounterStore(meter.client, table) } : {}) };
    const summary = await sendDue(deps);
    if (summary.sent !== due) throw new Error(`the pass sent ${summary.sent} of ${due}`);
    return { sent: summary.sent, ...meter.spent, perLesson: (meter.spent.table + meter.spent.index) / summary.sent };
  } finally {
    meter.close();
  }
}

export async function measureWriteUnits(due: number) {
  const dynamo = await startDynalite(0);
  try {
    const before = await onePass(dynamo.url, due, false);
    const after = await onePass(dynamo.url, due, true);
    return { before, after, added: after.perLesson - before.perLesson };
  } finally {
    await dynamo.stop();
  }
}
