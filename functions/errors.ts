/** The one error type services raise on purpose; http/app.ts maps the code to a status. */
export type AppErrorCode =
  | 'invalid-input'
  | 'invalid-link'
  | 'expired-link'
  | 'gone'
  | 'not-found'
  | 'conflict'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'unavailable';

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
