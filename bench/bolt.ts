import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Figure, processCpuMs, round, stats } from './lib'
import { clickBody, commandBody, sign } from './slack-requests'
import type { Harness } from './workerd'

/**
 * Peer (a) of issue 8: the same signed Slack slash command and button click, acked by our Worker (built
 * bundle in workerd, real handlers) and by a plain `@slack/bolt` App on Node with its default
 * HTTPReceiver and trivial handlers (bench/bolt-server.mjs, 127.0.0.1 only). Samples alternate between
 * the two so drift on a shared machine hits both alike; CPU per request comes from /proc of each
 * server process (ours includes the work left to `waitUntil`).
 */

/** Untimed pause after each sample so a tail has drained before the next delivery (as bench/slack.ts). */
const DRAIN_MS = 15

async function startBolt(secret: string) {
  const child = spawn(process.execPath, ['bench/bolt-server.mjs'], {
    env: { ...process.env, BENCH_SLACK_SIGNING_SECRET: secret },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let out = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Bolt did not start in 20 s')), 20_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/BOLT_PORT=(\d+)/)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once('exit', () => reject(new Error('Bolt exited')))
  })
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: () => {
      child.stdin.end()
      child.kill()
    },
  }
}

export async function boltPeerBenches(harness: Harness, secret: string | undefined): Promise<Figure[]> {
  if (!secret) return []
  const n = Number(process.env.BENCH_PEER_N ?? 400)
  const bolt = await startBolt(secret)
  const figures: Figure[] = []
  try {
    const kinds = [
      { id: 'command', what: 'signed /ret slash command', path: '/slack/commands', make: commandBody },
      { id: 'click', what: 'signed card button click', path: '/slack/interactions', make: clickBody },
    ]
    for (const kind of kinds) {
      const timestamp = String(Math.floor(Date.now() / 1000))
      const bodies = Array.from({ length: n + 20 }, kind.make)
      const headers = (body: string) => ({
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': sign(secret, timestamp, body),
      })
      const ours = async (body: string) => {
        const r = await harness.ret(kind.path, { method: 'POST', headers: headers(body), body })
        await r.arrayBuffer()
        if (r.status !== 200) throw new Error(`our ack answered ${r.status}`)
      }
      const peer = async (body: string) => {
        const r = await fetch(bolt.url, { method: 'POST', headers: headers(body), body })
        await r.arrayBuffer()
        if (r.status !== 200) throw new Error(`Bolt ack answered ${r.status}`)
      }
      for (const body of bodies.slice(0, 20)) {
        await ours(body)
        await peer(body)
        await sleep(DRAIN_MS)
      }
      const tOurs: number[] = []
      const tPeer: number[] = []
      let cpuOurs = 0
      let cpuPeer = 0
      const workerd = harness.workerdPid()
      for (const body of bodies.slice(20)) {
        const w0 = workerd ? processCpuMs(workerd) : undefined
        let t0 = performance.now()
        await ours(body)
        tOurs.push(performance.now() - t0)
        await sleep(DRAIN_MS)
        const w1 = workerd ? processCpuMs(workerd) : undefined
        if (w0 !== undefined && w1 !== undefined) cpuOurs += w1 - w0
        const b0 = bolt.pid ? processCpuMs(bolt.pid) : undefined
        t0 = performance.now()
        await peer(body)
        tPeer.push(performance.now() - t0)
        const b1 = bolt.pid ? processCpuMs(bolt.pid) : undefined
        if (b0 !== undefined && b1 !== undefined) cpuPeer += b1 - b0
      }
      const so = stats(tOurs)
      const sp = stats(tPeer)
      figures.push(
        {
          id: `peer.bolt.${kind.id}`,
          what: `Peer: plain Bolt on Node (HTTPReceiver), ${kind.what}`,
          unit: 'ms',
          ...sp,
          budget: '—',
          note: `CPU ${round(cpuPeer / n, 2)} ms/request (/proc, 10 ms ticks averaged)`,
        },
        {
          id: `peer.ratio.${kind.id}`,
          what: `Our Worker ÷ Bolt on Node, ${kind.what} (same requests, alternating)`,
          unit: 'ratio',
          median: so.median / sp.median,
          p99: so.p99 / sp.p99,
          budget: '—',
          note: `ours ${round(so.median, 2)} / ${round(so.p99, 2)} ms p50/p99 vs Bolt ${round(sp.median, 2)} / ${round(sp.p99, 2)} ms; CPU ${round(cpuOurs / n, 2)} (workerd, incl. waitUntil tail) vs ${round(cpuPeer / n, 2)} ms/request`,
        },
      )
    }
  } finally {
    bolt.stop()
  }
  return figures
}
