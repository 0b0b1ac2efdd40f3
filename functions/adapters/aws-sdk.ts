import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import type { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The AWS SDK, loaded on first use. A Lambda bundle leaves the SDK to the
 * runtime's copy (a third of the API's size); loading it lazily means a cold
 * start pays for it only when a request needs DynamoDB or SES: the sign-up
 * page and the link pages' GETs never do.
 */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

export const dynamodbSdk = once(() => import('@aws-sdk/client-dynamodb'));
export const documentSdk = once(() => import('@aws-sdk/lib-dynamodb'));
export const sesSdk = once(() => import('@aws-sdk/client-ses'));
export const sqsSdk = once(() => import('@aws-sdk/client-sqs'));

/** A client given directly (tests, scripts) or built on first use (Lambda entry points). */
export type ClientSource<T> = T | (() => Promise<T>);

export function clientFrom<T extends object>(source: ClientSource<T>): () => Promise<T> {
  return typeof source === 'function' ? once(source as () => Promise<T>) : () => Promise.resolve(source);
}

/** One client per call site, built on first use and then shared by every adapter given it. */
export const lazyDynamoClient = (): ClientSource<DynamoDBClient> => once(async () => new (await dynamodbSdk()).DynamoDBClient({}));
export const lazySesClient = (): ClientSource<SESClient> => once(async () => new (await sesSdk()).SESClient({}));
export const lazySqsClient = (): ClientSource<SQSClient> => once(async () => new (await sqsSdk()).SQSClient({}));

/** Condition failures by name: the error class may come from another copy of the SDK. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
