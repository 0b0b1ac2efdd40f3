import type { Settings } from './settings';

/** Must equal DUE_INDEX in functions/adapters/dynamo-store.ts. */
export const DUE_INDEX = 'due-index';

/**
 * The one table (DESIGN.md, Data): one item per reader keyed by the
 * normalized address, and the sparse due index sharded on `dueShard`.
 * The same table is created locally and in tests by ensureTable()
 * (functions/adapters/dynamo-store.ts); tests/infra checks they agree.
 */
export function createTable(settings: Settings) {
  // A plain Dynamo link grants dynamodb:* on the table. Links here carry only the name;
  // each function lists the few actions it really uses (infra/functions.ts).
  sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({ properties: { name: table.name } }));

  return new sst.aws.Dynamo('Subscribers', {
    fields: { email: 'string', dueShard: 'number', due: 'number' },
    primaryIndex: { hashKey: 'email' },
    // ALL: the drip reads whole records from the index and writes them back conditionally.
    globalIndexes: { [DUE_INDEX]: { hashKey: 'dueShard', rangeKey: 'due', projection: 'all' } },
    // Unconfirmed sign-ups carry expiresAt (epoch seconds); DynamoDB deletes them a while after.
    ttl: 'expiresAt',
    // The list is the product: a dropped table in prod is refused by AWS itself.
    deletionProtection: settings.production,
    transform: {
      // SST turns PITR on today; stated here so a change of default cannot silently drop it.
      table: { pointInTimeRecovery: { enabled: true } },
    },
  });
}
