import course from '../build/emails.json' with { type: 'json' };
import type { CompiledCourse } from './core/message.js';

/** The compiled emails (npm run build): all 24, for whatever sends lessons. */
export const fullCourse = course as CompiledCourse;
