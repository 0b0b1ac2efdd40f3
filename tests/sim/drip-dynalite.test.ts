import { describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../functions/adapters/dynamo-store.js';
import { dynamoClient, freshTable } from '../support/engines.js';
import { checkReaders } from './checks.js';
import { runScenario } from './scenario.js';
import { FAULTS, LATE_BOUND_MIN } from './bounds.js';

/**
 * The same scenario, smaller, against DynamoDB on dynalite through the real
 * SDK and the DynamoDB store: conditional puts, the sparse GSI and its
 * paging behave as the memory store's contract says.
 */
describe('drip simulation (DynamoDB on dynalite)', () => {
  // dynalite answers ~600 queries a second and each turn is 3 passes x 16 shard queries,
  // so the window is 5 days with the signups in the first one (about 300 lessons).
  it('60 readers, 5 days, same faults: the same rules hold', async () => {
    const client = dynamoClient();
    const result = await runScenario({
      readers: 60,
      days: 5,
      signupDays: 1,
      seed: 20_270_314,
      start: '2027-03-10T00:00:00Z',
      store: createDynamoStore(client, await freshTable(client)),
      rates: FAULTS,
      stuckAfterMs: LATE_BOUND_MIN * 60_000,
    });
    const { violations, figures } = checkReaders(result);
    console.log('drip simulation on dynalite', JSON.stringify(figures));
    expect(violations.filter((v) => !v.includes('did not complete'))).toEqual([]);
    expect(result.stuck).toEqual([]);
    expect(figures.latenessMinutes.max).toBeLessThanOrEqual(LATE_BOUND_MIN);
    expect(figures.duplicates).toBeLessThanOrEqual(figures.acceptedUnknown);
    expect(figures.lessons).toBeGreaterThan(250);
  }, 300_000);
});
