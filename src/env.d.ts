// Secrets are not in wrangler.toml, so `wrangler types` cannot see them; they are declared here.
// Set them with `wrangler secret put NAME` in production; `npm run dev` and the tests supply dev values.
declare namespace Cloudflare {
  interface Env {
    API_TOKEN?: string
    ENCRYPTION_KEYS?: string
    LINK_SIGNING_KEY?: string
    TEAMS_APP_PASSWORD?: string
    // Teams settings with defaults in src/config.ts (set as vars per deployment).
    TEAMS_APP_ID?: string
    TEAMS_OPENID_METADATA_URL?: string
    TEAMS_TOKEN_URL?: string
    TEAMS_TENANT_IDS?: string
    ACCESS_TEAM_DOMAIN?: string
    ACCESS_AUD?: string
    ACCESS_CERTS_URL?: string
    ACCESS_MAX_TOKEN_AGE_SECONDS?: string
    SLACK_SIGNING_SECRET?: string
    SLACK_BOT_TOKEN?: string
    SLACK_TRIAGE_CHANNEL?: string
    SLACK_API_URL?: string
    SLACK_TEAM_IDS?: string
    SLACK_CHAIR_USER_IDS?: string
    SLACK_CHANNEL_LANG?: string
    // Privacy and security (src/services/access.ts, retention.ts, routes/admin.ts).
    ADMIN_TOKEN?: string
    ADMIN_TOKENS?: string
    CHAIR_SCOPES?: string
    RETENTION_DAYS?: string
    // Weekly digest recipients (src/services/digest-recipients.ts).
    DIGEST_RECIPIENTS?: string
  }
}
