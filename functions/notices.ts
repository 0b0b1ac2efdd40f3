import notices from '../build/notices.json' with { type: 'json' };
import type { CompiledCourse } from './core/message.js';

/** Only the three emails the sign-up form sends: the API's bundle carries no lessons. */
export const noticesOnly = notices as CompiledCourse;
