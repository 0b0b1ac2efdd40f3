import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the reader's journey in Debian's Chromium (tests/browser). */
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts'],
    // The same in-memory dynalite and aws-ses-v2-local on free ports as `npm test`.
    globalSetup: ['tests/support/global-setup.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
