import * as z from 'zod';
import { canonicalZone, isValidTimeZone } from '../core/schedule.js';

/**
 * A first name: letters and marks of any script, single spaces, hyphens and
 * apostrophes between them, and the joiners some scripts need inside words
 * (ZWNJ, ZWJ). Nothing that can read as a link or an address: no dots, slashes,
 * colons, @ or digits. A lone surrogate is not a letter, so it is refused.
 */
const NAME = /^[\p{L}\p{M}]+(?:(?:[ '’\-\u2010]|[\u200C\u200D])[\p{L}\p{M}]+)*$/u;
export const firstName = z
  .string()
  .trim()
  // Normalised before it is measured: NFC can lengthen a name (U+0958 becomes two code points).
  .transform((name) => name.normalize('NFC'))
  .pipe(z.string().max(60, 'Keep your first name under 60 characters.'))
  .refine((name) => name === '' || NAME.test(name), 'Use letters for your first name (spaces, hyphens and apostrophes are fine).')
  // A few marks on a letter are a script's own (Devanagari, Hebrew points); a pile of them only defaces the greeting.
  .refine((name) => !/\p{M}{5,}/u.test(name), 'Use letters for your first name (spaces, hyphens and apostrophes are fine).')
  .refine((name) => name.split(' ').length <= 5, 'Keep your first name to a few words.')
  .optional()
  .transform((name) => name || undefined);

const hour = z.union([z.number(), z.string().trim().regex(/^\d{1,2}$/, 'Choose an hour between 00 and 23.').transform(Number)]);

export const signupSchema = z.object({
  email: z
    .string({ error: 'Enter your email address.' })
    .trim()
    .min(1, 'Enter your email address.')
    .max(254, 'That email address is too long.')
    .pipe(z.email('Enter a valid email address, like name@example.com.'))
    .transform((email) => email.toLowerCase()),
  first_name: firstName,
  timezone: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((zone) => zone || 'UTC')
    .refine(isValidTimeZone, 'Unknown time zone.')
    .transform(canonicalZone),
  send_hour: hour.optional().transform((value) => value ?? 8).pipe(
    z.number().int().min(0, 'Choose an hour between 00 and 23.').max(23, 'Choose an hour between 00 and 23.'),
  ),
  website: z.string().max(1000).optional(),
  form_version: z.string().max(20).regex(/^[\w.-]*$/).optional(),
  form_token: z.string().max(1024).optional(),
  'cf-turnstile-response': z.string().max(2048).optional(),
});

export type SignupFields = z.infer<typeof signupSchema>;

/** Preferences: a missing field keeps the stored value (no signup defaults here). */
export const preferencesSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('schedule'),
    timezone: z
      .string()
      .trim()
      .max(64)
      .refine(isValidTimeZone, 'We do not know this time zone. Choose a name from the list, such as Europe/London.')
      .transform(canonicalZone)
      .optional(),
    send_hour: hour.pipe(z.number().int().min(0, 'Choose an hour between 00 and 23.').max(23, 'Choose an hour between 00 and 23.')).optional(),
  }),
  z.object({ action: z.literal('name'), first_name: firstName }),
  z.object({ action: z.enum(['pause', 'resume', 'restart', 'sign-out']) }),
]);

/** One message per field, keyed by the field name the form uses. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.code === 'invalid_type' && field !== 'email' ? 'This field has the wrong type.' : issue.message;
  }
  return errors;
}
