import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Vote } from '../core/counters.js';
import type { CommentEntry, VoteStore } from '../ports.js';
import { documentSdk, isConditionFailure, type ClientSource } from './aws-sdk.js';
import { batchGet, type BatchGetOptions } from './batch-get.js';
import { documentClient } from './dynamo-store.js';

/** How many comments each lesson keeps for the console: the latest, never a growing list. */
export const COMMENT_SLOTS = 5;
export const VOTE_PREFIX = '#vote#';
const voteKey = (linkId: string, day: number) => `${VOTE_PREFIX}${linkId}#${day}`;
const ringKey = (day: number) => `#comments#${day}`;
const slots = Array.from({ length: COMMENT_SLOTS }, (_, i) => `s${i}`);

export function readVote(item: Record<string, unknown>): Vote {
  const { linkId, day, choice, comment, at } = item as Vote;
  return { linkId, day, choice, at, ...(comment ? { comment } : {}) };
}

/**
 * Votes share the table as `#vote#<linkId>#<day>`, so a reader has one per
 * lesson by construction; each lesson's latest comments sit in a ring of
 * COMMENT_SLOTS slots (`#comments#<day>`), the slot picked by an atomic counter.
 */
export function createDynamoVoteStore(client: ClientSource<DynamoDBClient>, tableName: string, options: BatchGetOptions = {}): VoteStore {
  const doc = documentClient(client);
  const update = async (input: Record<string, unknown>) => {
    const { UpdateCommand } = await documentSdk();
    return (await doc()).send(new UpdateCommand({ TableName: tableName, ...input } as ConstructorParameters<typeof UpdateCommand>[0]));
  };
  return {
    async get(linkId, day) {
      const { GetCommand } = await documentSdk();
      const result = await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email: voteKey(linkId, day) }, ConsistentRead: true }));
      return result.Item ? readVote(result.Item) : undefined;
    },
    async put(vote, expected) {
      const { PutCommand } = await documentSdk();
      try {
        await (await doc()).send(
          new PutCommand({
            TableName: tableName,
            Item: { ...vote, email: voteKey(vote.linkId, vote.day) },
            ...(expected
              ? { ConditionExpression: '#at = :at', ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':at': expected.at } }
              : { ConditionExpression: 'attribute_not_exists(email)' }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async list(linkId, days) {
      return (await batchGet(doc, tableName, days.map((day) => voteKey(linkId, day)), options)).map(readVote);
    },
    async remove(linkId, day) {
      const { DeleteCommand } = await documentSdk();
      await (await doc()).send(new DeleteCommand({ TableName: tableName, Key: { email: voteKey(linkId, day) } }));
    },
    async pushComment(entry) {
      const counted = await update({ Key: { email: ringKey(entry.day) }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' });
      const n = Number(counted.Attributes?.n ?? 1);
      await update({ Key: { email: ringKey(entry.day) }, UpdateExpression: 'SET #slot = :entry', ExpressionAttributeNames: { '#slot': `s${(n - 1) % COMMENT_SLOTS}` }, ExpressionAttributeValues: { ':entry': entry } });
    },
    async comments(days) {
      const rings = await batchGet(doc, tableName, days.map(ringKey), options);
      return rings.flatMap((ring) => slots.flatMap((slot) => (ring[slot] ? [ring[slot] as CommentEntry] : []))).sort((a, b) => b.at.localeCompare(a.at));
    },
    async dropComments(day, voter) {
      const { GetCommand } = await documentSdk();
      const ring = (await (await doc()).send(new GetCommand({ TableName: tableName, Key: { email: ringKey(day) }, ConsistentRead: true }))).Item ?? {};
      for (const slot of slots.filter((name) => (ring[name] as CommentEntry | undefined)?.voter === voter)) {
        // Only if the slot still holds this reader's comment (a new one may have taken it meanwhile).
        await update({
          Key: { email: ringKey(day) },
          UpdateExpression: 'REMOVE #slot',
          ConditionExpression: '#slot.voter = :voter',
          ExpressionAttributeNames: { '#slot': slot },
          ExpressionAttributeValues: { ':voter': voter },
        }).catch((error: unknown) => {
          if (!isConditionFailure(error)) throw error;
        });
      }
    },
  };
}

/** The same in memory (unit tests, the simulation); `all()` is what a Scan would find. */
export function createMemoryVoteStore(): VoteStore & { all(): Vote[] } {
  const votes = new Map<string, Vote>();
  const rings = new Map<number, { n: number; slots: Array<CommentEntry | undefined> }>();
  return {
    async get(linkId, day) {
      const found = votes.get(voteKey(linkId, day));
      return found && { ...found };
    },
    async put(vote, expected) {
      const current = votes.get(voteKey(vote.linkId, vote.day));
      if (expected ? current?.at !== expected.at : current !== undefined) return false;
      votes.set(voteKey(vote.linkId, vote.day), { ...vote });
      return true;
    },
    async list(linkId, days) {
      return days.flatMap((day) => {
        const found = votes.get(voteKey(linkId, day));
        return found ? [{ ...found }] : [];
      });
    },
    async remove(linkId, day) {
      votes.delete(voteKey(linkId, day));
    },
    async pushComment(entry) {
      const ring = rings.get(entry.day) ?? { n: 0, slots: [] };
      ring.slots[ring.n % COMMENT_SLOTS] = { ...entry };
      ring.n++;
      rings.set(entry.day, ring);
    },
    async comments(days) {
      return days.flatMap((day) => (rings.get(day)?.slots ?? []).flatMap((entry) => (entry ? [{ ...entry }] : []))).sort((a, b) => b.at.localeCompare(a.at));
    },
    async dropComments(day, voter) {
      const ring = rings.get(day);
      if (ring) ring.slots = ring.slots.map((entry) => (entry?.voter === voter ? undefined : entry));
    },
    all: () => [...votes.values()].map((vote) => ({ ...vote })),
  };
}
