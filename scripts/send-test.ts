// `npm run send-test -- <email id> --to <address> [--name <first name>] [--aws]`: one email of the
// course, built from content/ as it is now and exactly as production sends it, to the running local
// stack's mailbox; with --aws through SES, only to AUTHOR_EMAIL or an SES-verified identity, at most
// 20 a day (a counter in the deployed table).
import { SESClient } from '@aws-sdk/client-ses';
import { parseArgs } from 'node:util';
import { createRuntime, systemClock } from '../functions/runtime.js';
import { compileCourse } from './build-emails.js';
import { CourseError } from './findings.js';
import { useLocalStack } from './local-env.js';
import { sendTest, TestSendError, TEST_SENDS_PER_DAY } from './send-test/send.js';
import { sesVerified } from './send-test/ses-identities.js';

const USAGE = `usage: npm run send-test -- <email id> --to <address> [--name <first name>] [--aws]
  <email id>: confirmation, already-enrolled, day-01 (or 1) ... the last day, complete, data-export, data-delete
Sends to the running local stack's mailbox (npm start). With --aws, through SES with your AWS credentials
and the deployed settings (TABLE_NAME, BASE_URL, MAIL_FROM, REPLY_TO, UNSUBSCRIBE_MAILTO, TOKEN_KEYS,
HASH_KEY), only to AUTHOR_EMAIL or an address or domain SES has verified, at most ${TEST_SENDS_PER_DAY} a UTC day.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { to: { type: 'string' }, name: { type: 'string' }, aws: { type: 'boolean', default: false } },
});
const [id] = positionals;
if (!id || !values.to || positionals.length > 1) {
  console.error(USAGE);
  process.exit(2);
}
if (!values.aws) useLocalStack();
try {
  const course = await compileCourse();
  const runtime = createRuntime(process.env, systemClock, course);
  const recipients = values.aws
    ? { authorEmail: process.env.AUTHOR_EMAIL || undefined, isVerified: sesVerified(new SESClient({})) }
    : undefined;
  const sent = await sendTest({ ...runtime, recipients }, id, values.to, values.name);
  const where = values.aws ? `through SES (MessageId ${sent.messageId})` : `to the local mailbox: ${process.env.AWS_ENDPOINT_URL_SES}/`;
  console.log(`sent ${sent.id} "${sent.subject}" to ${sent.to} ${where}`);
} catch (error) {
  if (error instanceof CourseError) console.error(`send-test: the course does not build, so nothing was sent:\n${error.errors.map((e) => `  ${e}`).join('\n')}`);
  else if (error instanceof TestSendError) console.error(`send-test: ${error.message}`);
  else console.error(`send-test failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
