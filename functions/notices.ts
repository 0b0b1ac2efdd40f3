import notices from '../build/notices.json' with { type: 'json' };
import type { CompiledCourse } from './core/message.js';

/** Only the notices (confirmation, already enrolled, complete, data links, the author's sign-in): these bundles carry no lessons. */
export const noticesOnly = notices as CompiledCourse;
