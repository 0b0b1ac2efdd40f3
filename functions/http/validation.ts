import * as z from 'zod';
import { isValidTimeZone } from '../core/schedule.js';

/** Control characters (CR/LF among them) never get into a record or an email. */
const NO_CONTROL = /^[^\p{Cc}\p{Cf}\u2028\u2029]*$/u;

const hour = z.union([z.number(), z.string().trim().regex(/^\d{1,2}$/, 'Choose an hour between 00 and 23.').transform(Number)]);

export const signupSchema = z.object({
  email: z
    .string({ error: 'Enter your email address.' })
    .trim()
    .min(1, 'Enter your email address.')
    .max(254, 'That email address is too long.')
    .pipe(z.email('Enter a valid email address, like name@example.com.'))
    .transform((email) => email.toLowerCase()),
  first_name: z
    .string()
    .trim()
    .max(60, 'Keep your first name under 60 characters.')
    .regex(NO_CONTROL, 'Your first name contains characters we cannot use.')
    .optional()
    .transform((name) => name || undefined),
  timezone: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((zone) => zone || 'UTC')
    .refine(isValidTimeZone, 'Unknown time zone.'),
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
    timezone: z.string().trim().max(64).refine(isValidTimeZone, 'Unknown time zone.').optional(),
    send_hour: hour.pipe(z.number().int().min(0, 'Choose an hour between 00 and 23.').max(23, 'Choose an hour between 00 and 23.')).optional(),
  }),
  z.object({ action: z.enum(['pause', 'resume', 'restart']) }),
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
