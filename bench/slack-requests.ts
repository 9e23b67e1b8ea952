import { createHmac, randomUUID } from 'node:crypto'

/**
 * The signed Slack requests both Slack benches send (our Worker in bench/slack.ts, the Bolt peer in
 * bench/bolt.ts): the same slash command and button click, so the two are measured on equal input.
 */

/** Slack's v0 signature over a body. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`
}

/** A `/ret help` slash command from a referrer. */
export function commandBody(): string {
  return new URLSearchParams({
    team_id: 'T0BENCH01',
    user_id: 'U0BENCHREF',
    command: '/ret',
    text: 'help',
    channel_id: 'D0BENCH01',
    response_url: 'https://127.0.0.1:9/hooks/bench',
    trigger_id: `${Date.now()}.1.${randomUUID()}`,
  }).toString()
}

/** A chair's "accept" click on a case card. */
export function clickBody(): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0BENCH01' },
    user: { id: 'U0BENCHCHAIR', team_id: 'T0BENCH01' },
    trigger_id: `${Date.now()}.1.${randomUUID()}`,
    channel: { id: 'C0BENCH01' },
    message: { ts: '1763889000.000100' },
    actions: [
      {
        action_id: 'ret:triage:accept',
        block_id: 'ret:case:actions',
        type: 'button',
        value: JSON.stringify({ r: 'RET-2026-9999', v: 1 }),
        action_ts: '1763889123.456789',
      },
    ],
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
}
