// `npm run dev`: the whole service on http://127.0.0.1:8787 with local D1, Durable Objects, R2 and Queues
// (Miniflare, state under .wrangler/state, kept across restarts). Migrations are applied first.
// The secrets below are clearly fake development values; production sets real ones with `wrangler secret put`.
import { spawn, spawnSync } from 'node:child_process'

const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' }
const wrangler = 'node_modules/.bin/wrangler'
const port = process.env.PORT ?? '8787'
const persist = process.env.RET_PERSIST_DIR ? ['--persist-to', process.env.RET_PERSIST_DIR] : []

export const DEV_VARS = {
  DEV_MODE: 'true',
  API_TOKEN: 'dev-api-token-not-secret',
  // Rotation locally: start with RET_ENCRYPTION_KEYS="dev2:<new>,dev1:<old>" and run `ret rotate-key`.
  ENCRYPTION_KEYS: process.env.RET_ENCRYPTION_KEYS ?? 'dev1:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE=',
  // The admin API of `ret rotate-key | erase | audit` (the CLI uses this value for a local --url).
  ADMIN_TOKEN: 'dev-admin-token-not-secret-0000',
  LINK_SIGNING_KEY: 'dev-link-signing-key-not-secret',
  CHAIRS: 'web:dev:chair',
  COORDINATORS: 'web:dev:coordinator',
  ADMINS: 'web:dev:admin',
}

// Slack locally: RET_SLACK_STUB=1 starts the Web API stub of scripts/slack-stub.mjs in this process;
// RET_SLACK_API_URL points at one already running (the e2e tests run their own). Either way the case
// cards go to a stub triage channel there instead of slack.com.
let slackApiUrl = process.env.RET_SLACK_API_URL ?? ''
if (!slackApiUrl && process.env.RET_SLACK_STUB === '1') {
  const { startSlackStub } = await import('./slack-stub.mjs')
  const stub = await startSlackStub({
    onCall: ({ method, body, answer }) =>
      console.log(`slack stub: ${method} ${body.channel ?? ''} ${answer.ts ?? ''}`),
  })
  slackApiUrl = stub.url
  console.log(
    `Slack Web API stub on ${stub.url} (GET ${stub.url.replace(/api\/$/, '_calls')} lists the calls)`,
  )
}
if (slackApiUrl) {
  Object.assign(DEV_VARS, {
    SLACK_API_URL: slackApiUrl,
    SLACK_BOT_TOKEN: 'xoxb-dev-not-secret',
    SLACK_TRIAGE_CHANNEL: process.env.RET_SLACK_TRIAGE_CHANNEL ?? 'CDEVTRIAGE',
  })
}

// The chairs' Teams channel locally: RET_TEAMS_STUB=1 starts the Bot Connector stub of
// scripts/teams-stub.mjs in this process; RET_TEAMS_CONNECTOR_URL points at one already running. The case
// cards then go to a stub triage channel there (fake app id and secret, a stub token endpoint).
let teamsUrl = process.env.RET_TEAMS_CONNECTOR_URL ?? ''
if (!teamsUrl && process.env.RET_TEAMS_STUB === '1') {
  const { startTeamsStub } = await import('./teams-stub.mjs')
  const stub = await startTeamsStub({
    onCall: ({ method, conversationId, activityId }) =>
      console.log(`teams stub: ${method} ${conversationId} ${activityId}`),
  })
  teamsUrl = stub.url
  console.log(`Teams Bot Connector stub on ${stub.url} (GET ${stub.url}/_calls lists the calls)`)
}
if (teamsUrl) {
  Object.assign(DEV_VARS, {
    TEAMS_APP_ID: '00000000-0000-0000-0000-00000000dev0',
    TEAMS_APP_PASSWORD: 'dev-teams-password-not-secret',
    TEAMS_TOKEN_URL: `${teamsUrl}/token`,
    TEAMS_TRIAGE_SERVICE_URL: `${teamsUrl}/`,
    TEAMS_TRIAGE_TEAM_ID: '19:dev-team@thread.tacv2',
    TEAMS_TRIAGE_CHANNEL_ID: process.env.RET_TEAMS_TRIAGE_CHANNEL ?? '19:dev-triage@thread.tacv2',
  })
}

const migrate = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', ...persist], {
  env: { ...env, CI: 'true' },
  stdio: 'inherit',
})
if (migrate.status !== 0) process.exit(migrate.status ?? 1)

const vars = Object.entries(DEV_VARS).flatMap(([k, v]) => ['--var', `${k}:${v}`])
const dev = spawn(
  wrangler,
  ['dev', '--ip', '127.0.0.1', '--port', port, ...persist, ...vars, ...process.argv.slice(2)],
  {
    env,
    stdio: 'inherit',
  },
)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
