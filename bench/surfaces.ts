import { boltPeerBenches } from './bolt'
import { BenchTeamsUser } from './clients'
import { type Figure, processCpuMs, round, stats } from './lib'
import { loadBench } from './load'
import { pdfBenches } from './pdf'
import { pdfPeerBenches } from './pdf-peer'
import type { Platforms } from './platforms'
import { slackAckBenches } from './slack'
import type { Harness } from './workerd'

/**
 * The served surfaces: Slack acks (bench/slack.ts) with the Bolt-on-Node peer beside them (bench/bolt.ts),
 * the Teams ack with a token minted against the loopback JWKS, the intake PDF rendered inside workerd
 * against pdf-lib's standard Helvetica, and the 200-dialogue load (bench/load.ts).
 */
export async function surfaceBenches(
  harness: Harness,
  floor: { median: number; p99: number },
  bindings: Record<string, string>,
  platforms: Platforms,
): Promise<Figure[]> {
  const out: Figure[] = []
  const cpuOf = async (count: number, work: () => Promise<unknown>) => {
    const pid = harness.workerdPid()
    const c0 = pid ? processCpuMs(pid) : undefined
    const result = await work()
    const c1 = pid ? processCpuMs(pid) : undefined
    return { result, cpu: c0 !== undefined && c1 !== undefined ? (c1 - c0) / count : undefined }
  }

  const n = Number(process.env.BENCH_N ?? 1000)
  const slack = await cpuOf(2 * (n + Math.min(50, n)), () => slackAckBenches(harness, floor, bindings))
  out.push(...(slack.result as Figure[]))
  out.push({
    id: 'slack.ack.cpu',
    what: 'Slack ack CPU per request (workerd process /proc: ack + waitUntil tail + Miniflare D1/DO)',
    unit: 'ms',
    value: slack.cpu,
    budget: '≤ 2 ms',
    ok: slack.cpu !== undefined && slack.cpu <= 2,
    note: 'an upper bound: the same process also runs the local D1 and Durable Object simulators',
  })
  out.push(...(await boltPeerBenches(harness, bindings.SLACK_SIGNING_SECRET)))
  out.push(...(await teamsAckBench(harness, floor, platforms, Math.round(n / 2))))
  out.push(...(await pdfBenches()), ...(await pdfPeerBenches()))
  out.push(...(await loadBench(harness, platforms, bindings.ENCRYPTION_KEYS ?? '')))
  return out
}

/** Teams: a `help` message from a user, token verified against the loopback JWKS, reply card sent. */
async function teamsAckBench(
  harness: Harness,
  floor: { median: number; p99: number },
  platforms: Platforms,
  n: number,
): Promise<Figure[]> {
  const token = await platforms.token()
  const user = new BenchTeamsUser(harness.ret, platforms, 'aad-bench-ack')
  const warmup = 30
  for (let i = 0; i < warmup; i++) {
    await user.say('help', token)
    if (user.lastStatus !== 200) throw new Error(`Teams ack answered ${user.lastStatus}`)
  }
  const pid = harness.workerdPid()
  const times: number[] = []
  let cpu = 0
  for (let i = 0; i < n; i++) {
    const c0 = pid ? processCpuMs(pid) : undefined
    // The ack is timed; the reply card follows it (waitUntil) and is awaited outside the timed region.
    await user.say('help', token)
    times.push(user.lastAckMs)
    const c1 = pid ? processCpuMs(pid) : undefined
    if (c0 !== undefined && c1 !== undefined) cpu += c1 - c0
  }
  const s = stats(times)
  const cpuMs = pid ? cpu / n : undefined
  return [
    {
      id: 'teams.ack.message',
      what: 'Teams ack: /api/messages `help` (JWT verified; the reply card follows the ack to the loopback connector)',
      unit: 'ms',
      ...s,
      budget: 'p50 ≤ 2.5×, p99 ≤ 3× floor',
      ok: s.median <= 2.5 * floor.median && s.p99 <= 3 * floor.p99,
      note: `${round(s.median / floor.median, 2)}× floor p50, ${round(s.p99 / floor.p99, 2)}× floor p99`,
    },
    {
      id: 'teams.ack.cpu',
      what: 'Teams ack CPU per request (workerd process /proc, incl. Miniflare D1/DO)',
      unit: 'ms',
      value: cpuMs,
      budget: '≤ 2 ms',
      ok: cpuMs !== undefined && cpuMs <= 2,
      note: 'an upper bound: the same process also runs the local D1 and Durable Object simulators',
    },
  ]
}
