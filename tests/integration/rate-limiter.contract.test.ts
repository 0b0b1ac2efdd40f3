import { describe, expect, it } from 'vitest';
import { createDynamoRateLimiter, createMemoryRateLimiter } from '../../functions/adapters/rate-limiters.js';
import type { RateLimiter } from '../../functions/ports.js';
import { dynamoClient, freshTable } from '../support/engines.js';

const limiters: Array<[string, () => Promise<RateLimiter>]> = [
  ['memory', async () => createMemoryRateLimiter()],
  ['dynamodb (dynalite)', async () => createDynamoRateLimiter(dynamoClient(), await freshTable(dynamoClient()))],
];

describe.each(limiters)('RateLimiter contract: %s', (_name, make) => {
  it('allows up to the limit in a window, then says when to retry', async () => {
    const limiter = await make();
    const at = new Date('2026-12-01T10:15:00Z');
    for (let i = 0; i < 3; i++) expect((await limiter.hit('ip:203.0.113.1', 3, 3_600_000, at)).allowed).toBe(true);
    expect(await limiter.hit('ip:203.0.113.1', 3, 3_600_000, at)).toEqual({ allowed: false, retryAfterSeconds: 45 * 60 });
    // Another key has its own count; the next window starts afresh.
    expect((await limiter.hit('ip:203.0.113.2', 3, 3_600_000, at)).allowed).toBe(true);
    expect((await limiter.hit('ip:203.0.113.1', 3, 3_600_000, new Date('2026-12-01T11:00:00Z'))).allowed).toBe(true);
  });

  it('holds under concurrent hits (no lost updates)', async () => {
    const limiter = await make();
    const at = new Date('2026-12-01T10:00:00Z');
    const results = await Promise.all(Array.from({ length: 12 }, () => limiter.hit('addrday:a@example.com', 5, 86_400_000, at)));
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
  });

  it('counts a member once however often it hits, and gives its place back', async () => {
    const limiter = await make();
    const at = new Date('2026-12-01T10:00:00Z');
    expect((await limiter.hit('addr10:h1', 1, 600_000, at, 'job-a')).allowed).toBe(true);
    expect((await limiter.hit('addr10:h1', 1, 600_000, at, 'job-a')).allowed).toBe(true); // a retry of job-a
    expect((await limiter.hit('addr10:h1', 1, 600_000, at, 'job-b')).allowed).toBe(false);
    await limiter.release('addr10:h1', 600_000, at, 'job-a');
    expect((await limiter.hit('addr10:h1', 1, 600_000, at, 'job-b')).allowed).toBe(true);
    expect(await limiter.held('addr10:h1', 600_000, at)).toEqual([{ window: '2026-12-01T10:00:00.000Z', hits: 1 }]);
    await limiter.erase('addr10:h1', 600_000, at);
    expect(await limiter.held('addr10:h1', 600_000, at)).toEqual([]);
  });

  it('lets a key be used once', async () => {
    const limiter = await make();
    const until = new Date('2026-12-01T11:00:00Z');
    expect(await limiter.once('form:abc', until)).toBe(true);
    expect(await limiter.once('form:abc', until)).toBe(false);
    expect(await limiter.once('form:abd', until)).toBe(true);
  });
});
