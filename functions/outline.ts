import outline from '../build/outline.json' with { type: 'json' };
import type { CompiledCourse } from './core/message.js';

const sendsNothing = (name: string) => () => {
  throw new Error(`the API sends no email (${name}): notices leave through the outbox`);
};

/**
 * The API's course: the lessons' days and subjects (the console counts them),
 * and no email at all, so its bundle carries none; reaching for one throws.
 */
export const outlineOnly: CompiledCourse = Object.defineProperties(
  { version: outline.version as 1, totalDays: outline.totalDays, lessons: [], outline: outline.outline },
  Object.fromEntries(['confirmation', 'alreadyEnrolled', 'complete', 'dataExport', 'dataDelete', 'signin'].map((name) => [name, { get: sendsNothing(name), enumerable: false }])),
) as unknown as CompiledCourse;
