import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

/** Bolt's socket mode is never used; the stub wrangler's `[alias]` uses too (vitest ignores that alias). */
const socketModeStub = fileURLToPath(new URL('./adapters/slack/socket-mode-stub.ts', import.meta.url))

/**
 * The Worker under test with the default settings below, plus `bindings` (a project's own settings): the
 * default project runs Drenthe; the `ijsselland` project runs the same Worker with `REGION=ijsselland`.
 */
const workerd = (bindings: Record<string, string> = {}) =>
  cloudflareTest(async () => ({
    wrangler: { configPath: './wrangler.toml' },
    miniflare: {
      bindings: {
        TEST_MIGRATIONS: await readD1Migrations('./migrations'),
        DEV_MODE: 'true',
        API_TOKEN: 'test-api-token-0123456789',
        ENCRYPTION_KEYS: 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
        LINK_SIGNING_KEY: 'test-link-signing-key-0123456789',
        // Admin API (ret rotate-key / erase / audit).
        ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
        CHAIRS: 'web:dev:chair-1',
        COORDINATORS: 'web:dev:coordinator-1',
        ADMINS: 'web:dev:admin-1',
        // Teams: keys, token endpoint and connector are local stubs (msw) in tests.
        TEAMS_APP_ID: '00000000-1111-2222-3333-444444444444',
        TEAMS_APP_PASSWORD: 'test-teams-app-password',
        TEAMS_OPENID_METADATA_URL: 'https://login.example.test/v1/.well-known/openidconfiguration',
        TEAMS_TOKEN_URL: 'https://login.example.test/botframework.com/oauth2/v2.0/token',
        TEAMS_TENANT_IDS: 'tenant-drenthe-0001,tenant-drenthe-0002',
        // Slack: requests are signed inside the tests; the Web API is answered by msw.
        SLACK_SIGNING_SECRET: 'test-slack-signing-secret-0123456789',
        SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
        // No triage channel and no allowed workspace by default, so the queue consumer posts nothing to
        // Slack in other areas' tests; the Slack tests pass both with each request (tests/integration/slack*).
        SLACK_TRIAGE_CHANNEL: '',
        SLACK_API_URL: 'https://slack.example.test/api/',
        SLACK_TEAM_IDS: '',
        SLACK_CHAIR_USER_IDS: 'U0CHAIR001,U0CHAIR002',
        // Sizes of the fuzz and load tests (process.env inside workerd); empty means the CI default.
        FUZZ_RUNS: process.env.FUZZ_RUNS ?? '',
        LOAD_DIALOGUES: process.env.LOAD_DIALOGUES ?? '',
        ...bindings,
      },
      // The rate-limiting bindings of wrangler.toml, simulated by Miniflare, with limits high enough for the
      // load and fuzz tests; RATE_LIMIT_PROBE (2 a minute) is the real simulated binding with a low limit,
      // which tests/integration/privacy-edges.test.ts puts in place of one of the others.
      ratelimits: {
        RATE_LIMIT_USER: { simple: { limit: 1_000_000, period: 60 } },
        RATE_LIMIT_TENANT: { simple: { limit: 1_000_000, period: 60 } },
        RATE_LIMIT_CLIENT: { simple: { limit: 1_000_000, period: 60 } },
        RATE_LIMIT_PROBE: { simple: { limit: 2, period: 60 } },
      },
    },
  }))

/** The region packs' acceptance tests: each runs in a project of its own with that pack's `REGION`. */
const REGION_TESTS = 'tests/integration/region-*.test.ts'

/** HTTP + storage + queues + cron end to end, inside real workerd (D1, Durable Objects, R2, Queues). */
export default defineConfig({
  resolve: { alias: { '@slack/socket-mode': socketModeStub } },
  test: {
    projects: [
      {
        extends: true,
        plugins: [workerd()],
        test: { name: 'drenthe', include: ['tests/integration/**/*.test.ts'], exclude: [REGION_TESTS] },
      },
      {
        extends: true,
        plugins: [workerd({ REGION: 'ijsselland' })],
        test: { name: 'ijsselland', include: ['tests/integration/region-ijsselland.test.ts'] },
      },
    ],
    // Bolt and the Teams SDK, with their CommonJS dependencies (jwks-rsa, msal, axios), fail in the pool unless
    // pre-bundled, as wrangler's esbuild does for the deployed Worker (toolchain notes §4).
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: ['@slack/bolt', '@slack/web-api', '@microsoft/teams.apps', '@microsoft/teams.api'],
          rolldownOptions: {
            platform: 'node',
            external: [/^node:/, ...builtinModules],
          },
        },
      },
    },
    // The first Slack request of a test file loads Bolt through vitest's module runner (~5 s on this
    // 2-core machine, against ~60 ms in the built Worker): the default 5 s would time that test out.
    testTimeout: 30_000,
    setupFiles: ['./tests/integration/setup.ts'],
  },
})
