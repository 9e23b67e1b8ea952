// Test-only bindings supplied by vitest.workers.config.ts.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[]
    /** The simulated rate-limiting binding with a low limit (2 a minute) for tests/integration/privacy-edges. */
    RATE_LIMIT_PROBE: RateLimit
  }
}
