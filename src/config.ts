import { z } from 'zod'
import { parseAdminTokens } from './auth/admin'
import { DEFAULT_REGION, loadRegion, REGION_IDS, youthCrisisPhoneOf } from './domain/region'

/**
 * Configuration from the Worker's env (vars and secrets), validated once per isolate.
 * Secrets in production come from `wrangler secret put`; `npm run dev` supplies clearly fake dev values.
 */
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1')

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )

export const ConfigSchema = z.object({
  DEV_MODE: flag,
  REGION_NAME: z.string().default('Drenthe'),
  /**
   * The region pack this deployment runs (templates/regions/<id>/, issue 16): its municipalities, interventions,
   * routing rules, copy, crisis number, stalled-case limits and holidays. An unknown id stops the Worker.
   */
  REGION: z
    .string()
    .default(DEFAULT_REGION)
    .refine((id) => REGION_IDS.includes(id), {
      error: (issue) => `unknown region "${String(issue.input)}" (known: ${REGION_IDS.join(', ')})`,
    }),
  /** Bearer token for POST /api/v1/cases (regions filing from their own systems). */
  API_TOKEN: z.string().min(16).optional(),
  /** Comma-separated "kid:base64key" pairs (AES-256-GCM, 32-byte keys); the first is active. */
  ENCRYPTION_KEYS: z.string().optional(),
  /** HMAC key for short-lived links and web sessions. */
  LINK_SIGNING_KEY: z.string().min(16).optional(),
  /** Cloudflare Access team domain (e.g. `ret-drenthe.cloudflareaccess.com`): web identity in production. */
  ACCESS_TEAM_DOMAIN: z.string().min(3).optional(),
  /** Cloudflare Access application AUD tag. */
  ACCESS_AUD: z.string().min(8).optional(),
  /** Override of the Access JWKS URL (tests point it at a local key set). */
  ACCESS_CERTS_URL: z.url().optional(),
  /** Oldest Access JWT accepted, seconds since its `iat` (≥ the Access session duration; default 24 h). */
  ACCESS_MAX_TOKEN_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(31 * 24 * 60 * 60)
    .default(86_400),
  /**
   * HMAC key (≥ 32 characters) of identity pseudonyms: an Access identity is stored as
   * `web:access:p_<HMAC(sub)>`, never as its e-mail (issue 14 §4). Required with Access; keep it stable.
   */
  IDENTITY_HMAC_KEY: z.string().min(32).optional(),
  CHAIRS: list,
  COORDINATORS: list,
  ADMINS: list,
  /** Teams bot: the Microsoft app id (token audience) and its client secret (connector tokens). */
  TEAMS_APP_ID: z.string().default(''),
  TEAMS_APP_PASSWORD: z.string().optional(),
  /** Where the Bot Framework publishes its signing keys; tests point it at a local stub. */
  TEAMS_OPENID_METADATA_URL: z
    .url()
    .default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
  /** Client-credentials token endpoint for the Bot Connector API. */
  TEAMS_TOKEN_URL: z.url().default('https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token'),
  /** Entra tenant ids allowed to use the bot (comma separated); empty = none. */
  TEAMS_TENANT_IDS: list,
  /** The team the chairs' triage channel belongs to (its `19:…@thread.tacv2` id); '' = no Teams channel. */
  TEAMS_TRIAGE_TEAM_ID: z.string().default(''),
  /** The triage channel's conversation id (`19:…@thread.tacv2`): case cards are posted there; '' = none. */
  TEAMS_TRIAGE_CHANNEL_ID: z
    .string()
    .regex(/^(19:[^\s;]+@thread\.(tacv2|skype))?$/)
    .default(''),
  /** The Bot Connector service URL of the team's region (from any activity of the team, e.g. `https://smba.trafficmanager.net/emea/`). */
  TEAMS_TRIAGE_SERVICE_URL: z.union([z.url(), z.literal('')]).default(''),
  /** Teams chairs by Entra object id per tenant: `tenant:objectId`, comma separated (besides `teams:…` in CHAIRS). */
  TEAMS_CHAIR_OBJECT_IDS: list,
  /** Language of the case cards in the Teams triage channel. */
  TEAMS_CHANNEL_LANG: z.enum(['nl', 'en']).default('nl'),
  /** The Worker's public origin (`https://ret.example.org`), for links in posts made outside a request. */
  PUBLIC_URL: z.union([z.url(), z.literal('')]).default(''),
  /** Slack app: signing secret (request HMAC) and bot token (Web API). */
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  /** Channel id of the chairs' triage channel (case cards are posted there). */
  SLACK_TRIAGE_CHANNEL: z.string().default(''),
  /** Slack Web API base URL; tests point it at a local stub. Must end with a slash. */
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  /** Slack workspace (team) ids allowed to use the app (comma separated); empty = none. */
  SLACK_TEAM_IDS: list,
  /** Slack user ids allowed to act as chair (comma separated), besides `slack:team:user` in CHAIRS. */
  SLACK_CHAIR_USER_IDS: list,
  /** Bearer token of the admin API (`/api/v1/admin/*`: erase, rotate-key, audit; used by the `ret` CLI). */
  ADMIN_TOKEN: z.string().min(24).optional(),
  /**
   * One admin token per person (issue 14 §8): `name:sha256hex` pairs, comma separated (the SHA-256 of each
   * token, never the token). The admin API audits the person as `api:admin:<name>`; with any entry here,
   * the shared `ADMIN_TOKEN` no longer counts.
   */
  ADMIN_TOKENS: z
    .string()
    .default('')
    .refine((v) => parseAdminTokens(v).problems.length === 0),
  /**
   * Municipalities per chair (`key=Gemeente|Gemeente;key2=…`, keys `surface:tenant:user`): a chair sees
   * only cases of these municipalities. A chair without an entry sees the whole region of this deployment.
   */
  CHAIR_SCOPES: z.string().default(''),
  /** Retention in days per case state (`closed=90,declined=90,withdrawn=30,draft=30`); see docs/privacy.md. */
  RETENTION_DAYS: z.string().default(''),
  /**
   * Who receives the weekly digest, comma separated: `teams:<tenant>:<aadObjectId>` (a proactive card; the
   * coordinator must have opened the bot once), `slack:<team>:<user>` (a direct message) or
   * `slack-channel:<channelId>`. Empty: the Teams and Slack keys in COORDINATORS. The web page `/digest`
   * needs no entry. See src/services/digest-recipients.ts.
   */
  DIGEST_RECIPIENTS: list,
  /**
   * The regional youth crisis service's phone number (e.g. `0592-123456`), repeated with 112 and Veilig Thuis on
   * the acute-danger notice and on an urgent receipt. Empty: the region pack's `youthCrisisPhone`, and without one
   * "through your own organisation's crisis procedure".
   */
  YOUTH_CRISIS_PHONE: z
    .string()
    .trim()
    .regex(/^(\+?[0-9][0-9 -]{1,18}[0-9])?$/)
    .default(''),
  /** Language of the case cards in the shared triage channel (replies to a person follow their locale). */
  SLACK_CHANNEL_LANG: z.enum(['nl', 'en']).default('nl'),
})

export type Config = z.output<typeof ConfigSchema>

/** Parses the env; throws a readable error naming the setting (shown by `wrangler dev`, never to users). */
export function loadConfig(env: object): Config {
  const cached = parsed.get(env)
  if (cached) return cached
  const result = ConfigSchema.safeParse(env)
  if (!result.success) {
    const names = result.error.issues
      .map((i) => (i.path[0] === 'REGION' ? `REGION: ${i.message}` : i.path.join('.')))
      .join(', ')
    throw new Error(`Invalid configuration: ${names}`)
  }
  const config = result.data
  // The region pack's youth crisis number unless the deployment sets its own.
  const phone = youthCrisisPhoneOf(config.YOUTH_CRISIS_PHONE, loadRegion(config.REGION).pack)
  const resolved = phone === config.YOUTH_CRISIS_PHONE ? config : { ...config, YOUTH_CRISIS_PHONE: phone }
  parsed.set(env, resolved)
  return resolved
}

/**
 * Parsed configurations by bindings object. workerd hands every request of an isolate the same `env`, so the
 * settings are parsed once per isolate, not on every ack (a parse is ~0.1 ms; a Teams ack used to do three).
 * Bindings never change within an isolate; a test that needs other settings passes another object.
 */
const parsed = new WeakMap<object, Config>()

/**
 * The secrets (`wrangler secret put`) a production deployment needs, by what needs them: `always` for every
 * deployment, the others only when that surface is switched on in the region's `deploy.json`. Every name is
 * a setting of ConfigSchema (a test checks it); `npm run deploy` refuses to deploy while one is missing.
 */
export const REQUIRED_SECRETS = {
  always: ['ENCRYPTION_KEYS', 'LINK_SIGNING_KEY', 'ADMIN_TOKEN'],
  web: ['IDENTITY_HMAC_KEY'],
  api: ['API_TOKEN'],
  slack: ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'],
  // Teams identities are stored as keyed pseudonyms (issue 14 §4).
  teams: ['TEAMS_APP_PASSWORD', 'IDENTITY_HMAC_KEY'],
} as const satisfies Record<string, readonly (keyof Config)[]>

/** A surface a region can switch on in its deployment (`always` is not one). */
export type DeploySurface = Exclude<keyof typeof REQUIRED_SECRETS, 'always'>

/**
 * The plain settings (`[vars]`) a surface cannot work without in production; the region's `deploy.json`
 * must give each a non-empty value when the surface is switched on (`npm run deploy` checks it).
 */
export const REQUIRED_VARS = {
  always: ['PUBLIC_URL'],
  web: ['ACCESS_TEAM_DOMAIN', 'ACCESS_AUD'],
  api: [],
  slack: ['SLACK_TEAM_IDS', 'SLACK_TRIAGE_CHANNEL'],
  teams: ['TEAMS_APP_ID', 'TEAMS_TENANT_IDS'],
} as const satisfies Record<'always' | DeploySurface, readonly (keyof Config)[]>
