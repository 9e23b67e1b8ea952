import { clickBody, commandBody, sign } from './slack-requests'

/**
 * The Slack side of the served benches: the Worker's bench bindings and the signed requests (the same
 * bytes go to our Worker and to the Bolt peer; only the path differs, Bolt's HTTPReceiver listens on one).
 */

/** Bindings the bench Worker needs for the Slack receiver (merged into the run's dev bindings). */
export const SLACK_BENCH_BINDINGS: Record<string, string> = {
  SLACK_SIGNING_SECRET: 'bench-slack-signing-secret-0123456789',
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_API_URL: 'https://127.0.0.1:9/api/',
  SLACK_TEAM_IDS: 'T0BENCH01',
  SLACK_CHAIR_USER_IDS: 'U0BENCHCHAIR',
}

export type SlackKind = 'command' | 'click'

/** Our Worker's route for each kind (today's routes; Bolt's receiver takes both on `/slack/events`). */
export const SLACK_PATHS: Record<SlackKind, string> = {
  command: '/slack/commands',
  click: '/slack/interactions',
}

/** A freshly signed request of one kind (signed outside any timed region). */
export function signedSlackRequest(kind: SlackKind, secret: string) {
  const body = kind === 'command' ? commandBody() : clickBody()
  const timestamp = String(Math.floor(Date.now() / 1000))
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': sign(secret, timestamp, body),
    },
    body,
  }
}
