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
          CHAIRS: 'web:dev:chair-1',
          COORDINATORS: 'web:dev:coordinator-1',
          ADMINS: 'web:dev:admin-1',
        },
      },
    })),
  ],
  test: {
    include: ['tests/integration/**/*.test.ts'],
    setupFiles: ['./tests/integration/setup.ts'],
  },
})
