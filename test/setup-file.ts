import { afterEach, vi } from 'vitest';

// Workers run one test file after another in the same process (isolate: false, see vitest.config.ts), so a test
// that fakes the clock must not hand a faked clock to the next file.
afterEach(() => {
  vi.useRealTimers();
});
