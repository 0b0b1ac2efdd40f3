import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';

/**
 * A stand-in for SQS's SendMessage on a local port (AWS_ENDPOINT_URL_SQS), so
 * the API's outbox runs through the real SDK and what it enqueued can be
 * handed to the notice worker as the SQS event Lambda would deliver. Speaks
 * the SDK's JSON protocol and answers with the body's MD5, which the SDK checks.
 */
export async function startSqsStub() {
  const messages: Array<{ messageId: string; body: string }> = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (!target.endsWith('.SendMessage')) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'UnsupportedOperation' }));
        return;
      }
      const { MessageBody } = JSON.parse(raw) as { MessageBody: string };
      const messageId = randomUUID();
      messages.push({ messageId, body: MessageBody });
      const md5 = createHash('md5').update(MessageBody, 'utf8').digest('hex');
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ MessageId: messageId, MD5OfMessageBody: md5 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    queueUrl: `${url}/000000000000/Notices`,
    messages,
    /** What arrived since the last call, as the SQS event the notice worker's Lambda gets. */
    drain(receiveCount = 1): SQSEvent {
      const batch = messages.splice(0);
      return {
        Records: batch.map(({ messageId, body }) => ({
          messageId,
          receiptHandle: messageId,
          body,
          attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:Notices',
          awsRegion: 'us-east-1',
        })),
      };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
