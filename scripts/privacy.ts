import { parseArgs } from 'node:util';
import { normalizeEmail } from '../functions/core/subscriber.js';
import { AppError } from '../functions/errors.js';
import { fullCourse } from '../functions/course.js';
import { createRuntime, systemClock } from '../functions/runtime.js';
import { deleteByAddress, exportByAddress } from '../functions/services/privacy.js';
import { useLocalStack } from './local-env.js';

const USAGE = `usage: npm run privacy -- export <email>
       npm run privacy -- delete <email> --yes
Runs against the local stack (npm start) by default. With --aws it uses your AWS credentials
and the environment as deployed (TABLE_NAME, BASE_URL, MAIL_FROM, REPLY_TO, UNSUBSCRIBE_MAILTO, TOKEN_KEYS).`;

/** The author's side of readers' data rights: export or erase one address. */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { yes: { type: 'boolean', default: false }, aws: { type: 'boolean', default: false } },
});
const [command, address] = positionals;
if ((command !== 'export' && command !== 'delete') || !address) {
  console.error(USAGE);
  process.exit(2);
}
if (!values.aws) {
  useLocalStack();
}
const email = normalizeEmail(address);
try {
  const deps = createRuntime(process.env, systemClock, fullCourse);
  if (command === 'export') {
    console.log(JSON.stringify(await exportByAddress(deps, email), null, 2));
  } else if (!values.yes) {
    console.error(`This erases everything held for ${email}, for good. Run again with --yes to do it.`);
    process.exit(2);
  } else {
    const existed = await deleteByAddress(deps, email);
    console.log(existed ? `deleted all data for ${email}` : `no data was held for ${email}; nothing to delete`);
  }
} catch (error) {
  if (error instanceof AppError && error.code === 'not-found') {
    console.error(`no data is held for ${email}`);
    process.exit(1);
  }
  console.error(`privacy ${command} failed: ${error instanceof Error ? error.message : String(error)}${values.aws ? '' : '. Is the local stack running (npm start)?'}`);
  process.exit(1);
}
