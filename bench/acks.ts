import { setTimeout as sleep } from 'node:timers/promises'
import type { BoltPeer } from './bolt'
import { BenchTeamsUser } from './clients'
import { send } from './http'
import { type Figure, processCpuMs, round, stats } from './lib'
import type { Platforms } from './platforms'
import { SLACK_PATHS, type SlackKind, signedSlackRequest } from './slack'
import type { Harness } from './workerd'

/**
 * The served acks, like for like (issue 11): one HTTP client (bench/http.ts, one keep-alive agent) sends
 * the floor request, the signed Slack command and click to our Worker and to the Bolt peer, and the Teams
 * `help` message, interleaved in a fresh random order every round, so drift and other processes on this
 * shared machine hit every series alike. Our Worker and the floor answer on workerd's own loopback sockets
 * (the built bundle served by Miniflare), Bolt on its own Node socket. Each sample is one request with its
 * body read to the end; after it the bench pauses (untimed) so work left to `waitUntil` has drained
 * before the next delivery, as in production where deliveries rarely meet a busy isolate. The Teams reply
 * card follows the ack and is awaited untimed.
 */

const DRAIN_MS = 15

type Series = 'floor' | 'slack.command' | 'bolt.command' | 'slack.click' | 'bolt.click' | 'teams.message'

export interface AckResults {
  figures: Figure[]
  floor: { median: number; p95: number; p99: number }
}

export async function ackBenches(
  harness: Harness,
  bolt: BoltPeer,
  platforms: Platforms,
  secret: string,
  rounds = Number(process.env.BENCH_N ?? 300),
  warmup = 30,
): Promise<AckResults> {
  const token = await platforms.token()
  const user = new BenchTeamsUser(harness.ret, platforms, 'aad-bench-ack')
  const times = new Map<Series, number[]>()
  let boltCpu = 0

  const slack = (kind: SlackKind, to: 'ours' | 'bolt') => {
    const req = signedSlackRequest(kind, secret)
    const url = to === 'ours' ? `${harness.retOrigin}${SLACK_PATHS[kind]}` : bolt.url
    return async () => {
      const a = await send(url, req)
      if (a.status !== 200) throw new Error(`${to} Slack ${kind} ack answered ${a.status}`)
    }
  }
  const teams = () => {
    const activity = JSON.stringify(user.activity({ text: 'help' }))
    const before = platforms.received(user.conversationId)
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` }
    return {
      run: async () => {
        const a = await send(`${harness.retOrigin}/api/messages`, { method: 'POST', headers, body: activity })
        if (a.status !== 200) throw new Error(`Teams ack answered ${a.status}`)
      },
      after: async () => {
        const deadline = Date.now() + 10_000
        while (platforms.received(user.conversationId) === before && Date.now() < deadline) await sleep(2)
      },
    }
  }
  const floor = async () => {
    const a = await send(`${harness.floorOrigin}/`)
    if (a.status !== 200) throw new Error(`floor answered ${a.status}`)
  }

  const order: Series[] = [
    'floor',
    'slack.command',
    'bolt.command',
    'slack.click',
    'bolt.click',
    'teams.message',
  ]
  for (let round = 0; round < warmup + rounds; round++) {
    const shuffled = [...order].sort(() => Math.random() - 0.5)
    for (const series of shuffled) {
      let run: () => Promise<void>
      let after: (() => Promise<void>) | undefined
      if (series === 'floor') run = floor
      else if (series === 'teams.message') ({ run, after } = teams())
      else {
        const [side, kind] = series.split('.') as ['slack' | 'bolt', SlackKind]
        run = slack(kind, side === 'slack' ? 'ours' : 'bolt')
      }
      const isBolt = series.startsWith('bolt.')
      const c0 = isBolt && bolt.pid ? processCpuMs(bolt.pid) : undefined
      const t0 = performance.now()
      await run()
      const ms = performance.now() - t0
      const c1 = isBolt && bolt.pid ? processCpuMs(bolt.pid) : undefined
      if (after) await after()
      await sleep(DRAIN_MS)
      if (round < warmup) continue
      if (c0 !== undefined && c1 !== undefined) boltCpu += c1 - c0
      const list = times.get(series) ?? []
      list.push(ms)
      times.set(series, list)
    }
  }

  const s = (series: Series) => stats(times.get(series) ?? [])
  const f = s('floor')
  const figures: Figure[] = [
    {
      id: 'floor',
      what: 'Floor: bare Hono route, own workerd socket, same client (interleaved with the acks below)',
      unit: 'ms',
      ...f,
      budget: '—',
    },
  ]
  for (const kind of ['command', 'click'] as const) {
    const ours = s(`slack.${kind}`)
    const peer = s(`bolt.${kind}`)
    const what = kind === 'command' ? 'signed /ret slash command' : 'signed card button click'
    figures.push(
      {
        id: `slack.ack.${kind}`,
        what: `Slack ack, our Worker: ${what}`,
        unit: 'ms',
        ...ours,
        budget: 'p50 ≤ Bolt on Node (same run); p99 ≤ 3× floor',
        ok: ours.median <= peer.median && ours.p99 <= 3 * f.p99,
        note: `${round(ours.median / peer.median, 2)}× Bolt p50; ${round(ours.median / f.median, 2)}× floor p50, ${round(ours.p99 / f.p99, 2)}× floor p99`,
      },
      {
        id: `peer.bolt.${kind}`,
        what: `Peer: plain Bolt on Node (HTTPReceiver, trivial ack): ${what}`,
        unit: 'ms',
        ...peer,
        budget: '—',
        note: `${round(peer.median / f.median, 2)}× floor p50`,
      },
    )
  }
  const t = s('teams.message')
  figures.push({
    id: 'teams.ack.message',
    what: 'Teams ack: /api/messages `help` (JWT verified; the reply card follows the ack)',
    unit: 'ms',
    ...t,
    budget: 'p50 ≤ 2.5×, p99 ≤ 3× floor',
    ok: t.median <= 2.5 * f.median && t.p99 <= 3 * f.p99,
    note: `${round(t.median / f.median, 2)}× floor p50, ${round(t.p99 / f.p99, 2)}× floor p99`,
  })
  figures.push({
    id: 'peer.bolt.cpu',
    what: 'Peer: Bolt on Node CPU per ack (/proc of its process, 10 ms ticks averaged)',
    unit: 'ms',
    value: boltCpu / (2 * rounds),
    budget: '—',
  })
  return { figures, floor: f }
}

/**
 * The change of method, once: the former way (Miniflare's `dispatchFetch`, through its entry worker and
 * Node's fetch) beside the new one (workerd's own socket, one undici agent), interleaved, for the floor
 * and the signed slash command.
 */
export async function methodComparison(harness: Harness, secret: string, n = 200): Promise<Figure[]> {
  const series = {
    'dispatch.floor': [] as number[],
    'socket.floor': [] as number[],
    'dispatch.command': [] as number[],
    'socket.command': [] as number[],
  }
  const run = {
    'dispatch.floor': () => harness.dispatchFloor('/').then((r) => r.arrayBuffer()),
    'socket.floor': () => send(`${harness.floorOrigin}/`),
    'dispatch.command': () =>
      harness
        .dispatchRet(SLACK_PATHS.command, signedSlackRequest('command', secret))
        .then((r) => r.arrayBuffer()),
    'socket.command': () =>
      send(`${harness.retOrigin}${SLACK_PATHS.command}`, signedSlackRequest('command', secret)),
  }
  const keys = Object.keys(run) as (keyof typeof run)[]
  for (let i = 0; i < n + 20; i++) {
    for (const k of [...keys].sort(() => Math.random() - 0.5)) {
      const t0 = performance.now()
      await run[k]()
      const ms = performance.now() - t0
      await sleep(DRAIN_MS)
      if (i >= 20) series[k].push(ms)
    }
  }
  const st = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, stats(v)])) as Record<
    keyof typeof series,
    ReturnType<typeof stats>
  >
  const row = (
    id: string,
    what: string,
    a: ReturnType<typeof stats>,
    floor: ReturnType<typeof stats>,
  ): Figure => ({
    id,
    what,
    unit: 'ms',
    ...a,
    budget: '—',
    note: `${round(a.median / floor.median, 2)}× its floor p50`,
  })
  return [
    row(
      'method.dispatch.floor',
      'Method, former: floor via Miniflare dispatchFetch',
      st['dispatch.floor'],
      st['dispatch.floor'],
    ),
    row(
      'method.dispatch.command',
      'Method, former: Slack command via dispatchFetch',
      st['dispatch.command'],
      st['dispatch.floor'],
    ),
    row(
      'method.socket.floor',
      'Method, new: floor on its workerd socket (undici agent)',
      st['socket.floor'],
      st['socket.floor'],
    ),
    row(
      'method.socket.command',
      "Method, new: Slack command on the Worker's workerd socket",
      st['socket.command'],
      st['socket.floor'],
    ),
  ]
}
