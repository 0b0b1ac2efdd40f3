import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { noticesOnly } from './notices.js';
import type { NoticeJob } from './ports.js';
import { createRuntime, jsonLog, systemClock } from './runtime.js';
import { abandonNotice, processNotice } from './services/notices.js';

const runtime = createRuntime(process.env, systemClock, noticesOnly);

/** Must match the queue's maxReceiveCount (infra/notices.ts): the last try frees what the job held. */
export const MAX_RECEIVES = 5;

/**
 * The outbox's consumer on AWS: SQS delivers the jobs the API enqueued, a few
 * at a time. Each is processed on its own; a failed one is reported back
 * (partial batch response) so SQS retries only it, and after its last try it
 * lands in the dead-letter queue with its slots given back.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const job = readJob(record.body);
    if (!job) {
      jsonLog('notice.malformed', { level: 'ERROR', messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await processNotice(runtime, job);
      jsonLog('notice.processed', { kind: job.kind, outcome });
    } catch (error) {
      if (Number(record.attributes.ApproximateReceiveCount) >= MAX_RECEIVES) await abandonNotice(runtime, job, String(error));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

function readJob(body: string): NoticeJob | undefined {
  try {
    const job = JSON.parse(body) as Partial<NoticeJob>;
    const known = job.kind === 'signup' || job.kind === 'resend' || job.kind === 'data-link' || job.kind === 'signin';
    return known && typeof job.id === 'string' && typeof job.email === 'string' && typeof job.at === 'string' ? (job as NoticeJob) : undefined;
  } catch {
    return undefined;
  }
}
