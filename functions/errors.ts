/** The one error type services raise on purpose; http/app.ts maps the code to a status. */
export type AppErrorCode =
  | 'invalid-input'
  | 'invalid-link'
  | 'expired-link'
  | 'stale-link'
  | 'gone'
  | 'not-found'
  | 'conflict'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'unavailable'
  | 'rate-limited'
  | 'method-not-allowed'
  | 'unauthorized'
  | 'forbidden';

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    options?: { cause?: unknown; retryAfterSeconds?: number; allow?: string },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.allow = options?.allow;
  }

  /** For 429: when the client may try again (sent as Retry-After). */
  readonly retryAfterSeconds?: number;
  /** For 405: the methods the route does take (sent as Allow). */
  readonly allow?: string;
}
