import { setTimeout as sleep } from 'node:timers/promises'
import { type Figure, round, stats } from './lib'
import { clickBody, commandBody, sign } from './slack-requests'
import type { Harness } from './workerd'

/**
 * Slack ack latency (DESIGN.md §5: p50 ≤ 2.5× and p99 ≤ 3× the floor): a signed `/ret help` slash
 * command and a signed card button click, each timed from dispatch to the HTTP answer. The work after
 * the ack (`waitUntil`) still runs; its Slack calls go to a closed local port, never to Slack. Between
 * samples the bench pauses (untimed) so one delivery's tail has drained before the next is sent: in
 * production each delivery meets an isolate that is not busy finishing the previous one's work.
 */

/** Untimed pause after each sample, long enough for a tail (D1 write, refused fetches) to finish. */
const DRAIN_MS = 25

async function timeAcks(send: () => Promise<void>, n: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) {
    await send()
    await sleep(DRAIN_MS)
  }
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await send()
    out.push(performance.now() - t0)
    await sleep(DRAIN_MS)
  }
  return out
}

/** Bindings the bench Worker needs for the Slack receiver (merged into the run's dev bindings). */
export const SLACK_BENCH_BINDINGS: Record<string, string> = {
  SLACK_SIGNING_SECRET: 'bench-slack-signing-secret-0123456789',
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_API_URL: 'https://127.0.0.1:9/api/',
  SLACK_TEAM_IDS: 'T0BENCH01',
  SLACK_CHAIR_USER_IDS: 'U0BENCHCHAIR',
}

/** Signed requests are made before timing starts, so only the Worker's answer is measured. */
function prepared(path: string, make: () => string, count: number, secret: string) {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const bodies = Array.from({ length: count }, make)
  let i = 0
  return (harness: Harness) => {
    const body = bodies[i++ % bodies.length] ?? ''
    return harness
      .ret(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': sign(secret, timestamp, body),
        },
        body,
      })
      .then(async (r) => {
        if (r.status !== 200) throw new Error(`Slack ack answered ${r.status}`)
        await r.arrayBuffer()
      })
  }
}

/** Times both acks beside the floor. */
export async function slackAckBenches(
  harness: Harness,
  floor: { median: number; p99: number },
  bindings: Record<string, string>,
): Promise<Figure[]> {
  const secret = bindings.SLACK_SIGNING_SECRET
  if (!secret) {
    const note = 'SLACK_SIGNING_SECRET not in the bench bindings'
    return [
      {
        id: 'slack.ack.command',
        what: 'Slack ack: /ret slash command',
        unit: 'ms',
        budget: 'p50 ≤ 2.5× floor',
        note,
      },
      {
        id: 'slack.ack.click',
        what: 'Slack ack: card button click',
        unit: 'ms',
        budget: 'p50 ≤ 2.5× floor',
        note,
      },
    ]
  }
  const n = Number(process.env.BENCH_N ?? 1000)
  const warmup = Math.min(50, n)
  const figures: Figure[] = []
  const cases = [
    {
      id: 'slack.ack.command',
      what: 'Slack ack: signed /ret slash command',
      path: '/slack/commands',
      make: commandBody,
    },
    {
      id: 'slack.ack.click',
      what: 'Slack ack: signed card button click',
      path: '/slack/interactions',
      make: clickBody,
    },
  ]
  for (const c of cases) {
    const send = prepared(c.path, c.make, n + warmup, secret)
    const s = stats(await timeAcks(() => send(harness), n, warmup))
    figures.push({
      id: c.id,
      what: c.what,
      unit: 'ms',
      ...s,
      budget: 'p50 ≤ 2.5×, p99 ≤ 3× floor',
      ok: s.median <= 2.5 * floor.median && s.p99 <= 3 * floor.p99,
      note: `${round(s.median / floor.median, 2)}× floor p50, ${round(s.p99 / floor.p99, 2)}× floor p99`,
    })
  }
  return figures
}
