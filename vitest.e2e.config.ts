import { defineConfig } from 'vitest/config'

/** The web surface in a real browser (playwright-core + Debian's chromium) against `wrangler dev`. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
