import { applyD1Migrations, env } from 'cloudflare:test'

// Every test file starts from the migrated schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)

// The Worker loads its PDF renderer (pdf-lib) with `await import()` on the first PDF of an isolate
// (adapters/pdf/fonts.ts). In the test pool that import goes through vitest's module runner, which a queue
// handler's context cannot wait on: load it here, before any test, as the bundled Worker has it at hand.
await import('../../adapters/pdf/render')
