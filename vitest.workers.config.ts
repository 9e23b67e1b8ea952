import { builtinModules } from 'node:module'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

/** HTTP + storage + queues + cron end to end, inside real workerd (D1, Durable Objects, R2, Queues). */
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations('./migrations'),
          DEV_MODE: 'true',
          API_TOKEN: 'test-api-token-0123456789',
          ENCRYPTION_KEYS: 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
          LINK_SIGNING_KEY: 'test-link-signing-key-0123456789',
          // Admin API (ret rotate-key / erase / audit) and rate limits high enough for load and fuzz tests;
          // tests/integration/privacy-edges.test.ts runs the limiter with its own low limits.
          ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
          RATE_LIMITS: 'user=100000,tenant=1000000',
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
        },
      },
    })),
  ],
  test: {
    // The Teams SDK's CommonJS dependencies (jwks-rsa, msal, axios) fail to load one by one in the pool:
    // pre-bundle them, as wrangler's esbuild does for the deployed Worker.
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: ['@microsoft/teams.apps', '@microsoft/teams.api'],
          rolldownOptions: { platform: 'node', external: [/^node:/, ...builtinModules] },
        },
      },
    },
    include: ['tests/integration/**/*.test.ts'],
    setupFiles: ['./tests/integration/setup.ts'],
  },
})
