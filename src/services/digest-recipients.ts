import type { Config } from '../config'

/**
 * Who receives the weekly digest, and where (`DIGEST_RECIPIENTS`, see src/config.ts):
 * - `teams:<tenant>:<aadObjectId>`: a proactive Adaptive Card in the coordinator's 1:1 chat with the bot
 *   (the conversation reference is stored when they first talk to the bot);
 * - `slack:<team>:<user>`: a direct message from the Slack app;
 * - `slack-channel:<channelId>`: a post in a channel (without pseudonyms: a channel is shared).
 * Without `DIGEST_RECIPIENTS` the Teams and Slack keys in `COORDINATORS` receive it. The web page
 * (`/digest`) is open to every coordinator and admin and needs no entry.
 */
export type DigestRecipient =
  | { kind: 'teams'; key: string; tenant: string; user: string }
  | { kind: 'slack'; key: string; team: string; user: string }
  | { kind: 'slack-channel'; key: string; channel: string }

const TEAMS = /^teams:([^:\s]{1,100}):([^:\s]{1,100})$/
const SLACK = /^slack:([A-Z0-9]{2,30}):([A-Z0-9]{2,30})$/
const SLACK_CHANNEL = /^slack-channel:([A-Z0-9]{2,30})$/

/** Reads one recipient key; null when it is not of a known shape. */
export function parseDigestRecipient(key: string): DigestRecipient | null {
  const teams = TEAMS.exec(key)
  if (teams) return { kind: 'teams', key, tenant: teams[1] as string, user: teams[2] as string }
  const slack = SLACK.exec(key)
  if (slack) return { kind: 'slack', key, team: slack[1] as string, user: slack[2] as string }
  const channel = SLACK_CHANNEL.exec(key)
  if (channel) return { kind: 'slack-channel', key, channel: channel[1] as string }
  return null
}

/**
 * The configured recipients, each once, in configuration order, and the entries that are not of a
 * known shape (the caller logs how many; they are skipped, never guessed at).
 */
export function buildDigestRecipients(config: Pick<Config, 'DIGEST_RECIPIENTS' | 'COORDINATORS'>): {
  recipients: DigestRecipient[]
  invalid: string[]
} {
  const explicit = config.DIGEST_RECIPIENTS.length > 0
  const keys = explicit
    ? config.DIGEST_RECIPIENTS
    : config.COORDINATORS.filter((k) => k.startsWith('teams:') || k.startsWith('slack:'))
  const recipients: DigestRecipient[] = []
  const invalid: string[] = []
  const seen = new Set<string>()
  for (const key of keys) {
    if (seen.has(key)) continue
    seen.add(key)
    const recipient = parseDigestRecipient(key)
    if (recipient) recipients.push(recipient)
    else invalid.push(key)
  }
  return { recipients, invalid }
}
