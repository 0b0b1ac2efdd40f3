/**
 * What one drip pass reports. Its own module, so deliver.ts (one lesson) and
 * send-due.ts (the pass) both name it without importing each other.
 */
export type DripSummary = {
  claimed: number;
  sent: number;
  failed: number;
  skipped: number;
  /** SES kept throttling after the in-run retries: the run stopped and left the rest due. */
  throttled: boolean;
  stoppedEarly: boolean;
  /** Items read from the due index: grows with what is due, never with the list. */
  read: number;
  /** The pace of this run (sends per second); null when unpaced (no timer). */
  ratePerSecond: number | null;
};
