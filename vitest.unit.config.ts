import { defineConfig } from 'vitest/config'

/** Domain and adapter tests in plain Node: no I/O, no Workers runtime. */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/adapters/**/*.test.ts'],
    environment: 'node',
  },
})
