import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { BenchTeamsUser } from './clients'
import { send } from './http'
import { connectProfiler } from './inspector'
import { type Figure, processCpuMs, round } from './lib'
import type { Platforms } from './platforms'
import { SLACK_PATHS, type SlackKind, signedSlackRequest } from './slack'
import { type Harness, startHarness } from './workerd'

/**
 * Figures that need a workerd of their own: the first Slack and the first Teams request in a fresh
 * isolate (each in a newly started workerd, median of `runs`; the SDK of a surface loads on its first
 * request; timed to the HTTP answer, i.e. the ack — Teams' reply card follows it and is awaited untimed), and CPU per ack of the Worker's isolate, from a V8 CPU profile taken through workerd's
 * inspector (bench/inspector.ts) over `BENCH_CPU_N` acks, beside the floor worker's isolate profiled the
 * same way.
 */

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

type Surface = 'slack' | 'teams'

function senders(harness: Harness, platforms: Platforms, secret: string, token: string) {
  const user = new BenchTeamsUser(harness.ret, platforms, `aad-bench-first-${Math.random()}`)
  const slack = (kind: SlackKind) => async () => {
    const a = await send(`${harness.retOrigin}${SLACK_PATHS[kind]}`, signedSlackRequest(kind, secret))
    if (a.status !== 200) throw new Error(`Slack ${kind} answered ${a.status}`)
  }
  /** Posts `help`; resolves with the ack's milliseconds once the reply card (sent after the ack) is in. */
  const teamsAck = async (): Promise<number> => {
    const before = platforms.received(user.conversationId)
    const t0 = performance.now()
    const a = await send(`${harness.retOrigin}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(user.activity({ text: 'help' })),
    })
    const ms = performance.now() - t0
    if (a.status !== 200) throw new Error(`Teams answered ${a.status}: ${a.body.slice(0, 200)}`)
    const deadline = Date.now() + 10_000
    while (platforms.received(user.conversationId) === before && Date.now() < deadline) await sleep(2)
    return ms
  }
  const teams = async () => {
    await teamsAck()
  }
  const floor = async () => {
    await send(`${harness.floorOrigin}/`)
  }
  return { command: slack('command'), click: slack('click'), teams, teamsAck, floor }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const t0 = performance.now()
  await work()
  return performance.now() - t0
}

/**
 * A worker of known extra cost (a fixed loop), to measure how many samples the profiler captures in this
 * run: its cost above the floor by /proc (the process's CPU, no profiler: both workers alone in turn) vs
 * by the profile. On a quiet machine the ratio is near 1; a starved sampler thread misses samples.
 */
const CALIBRATION = {
  name: 'calib',
  script:
    'export default { fetch() { let x = 0; for (let i = 0; i < 300000; i++) x += Math.sqrt(i); return new Response(String(x)) } }',
}

async function procCpuPerRequest(pid: number | undefined, work: () => Promise<void>, n: number) {
  if (!pid) return undefined
  for (let i = 0; i < 20; i++) await work()
  const c0 = processCpuMs(pid)
  for (let i = 0; i < n; i++) {
    await work()
    await sleep(2)
  }
  const c1 = processCpuMs(pid)
  return c0 !== undefined && c1 !== undefined ? (c1 - c0) / n : undefined
}

/** Isolate CPU per request: busy samples of that isolate's profile over `n` requests, divided by `n`. */
async function isolateCpu(
  harness: Harness,
  target: 'ret' | 'floor' | 'calib',
  work: () => Promise<void>,
  n: number,
): Promise<{ perRequest: number; top: { name: string; ms: number }[] }> {
  const port = harness.inspectorPort
  if (!port) throw new Error('harness started without an inspector')
  for (let i = 0; i < 30; i++) await work()
  const profiler = await connectProfiler(port, `core:user:${target}`)
  try {
    await profiler.start()
    for (let i = 0; i < n; i++) {
      await work()
      // Untimed pause so the `waitUntil` tail of each request falls inside the profile (it is CPU too).
      await sleep(5)
    }
    await sleep(200)
    const p = await profiler.stop()
    return { perRequest: p.busyMs / n, top: p.top }
  } finally {
    profiler.close()
  }
}

export async function isolateBenches(
  bundleDir: string,
  floorScript: string,
  bindings: Record<string, string>,
  platforms: Platforms,
  secret: string,
  runs = 3,
): Promise<Figure[]> {
  const n = Number(process.env.BENCH_CPU_N ?? 300)
  const token = await platforms.token()
  const first: Record<Surface, number[]> = { slack: [], teams: [] }
  const floorFirst: number[] = []
  const figures: Figure[] = []
  const cpu: Record<string, { perRequest: number; top: { name: string; ms: number }[] }> = {}
  let capture: { ratio: number; procMs: number; profileMs: number } | undefined
  for (let r = 0; r < runs; r++) {
    for (const surface of ['slack', 'teams'] as const) {
      const calibrate = r === 0 && surface === 'slack'
      const harness = await startHarness(bundleDir, floorScript, bindings, {
        inspectorPort: await freePort(),
        ...(calibrate ? { extraWorkers: [CALIBRATION] } : {}),
      })
      try {
        const s = senders(harness, platforms, secret, token)
        floorFirst.push(await timed(s.floor))
        first[surface].push(surface === 'slack' ? await timed(s.command) : await s.teamsAck())
        if (r === 0) {
          if (surface === 'slack') {
            const calibOrigin = (await harness.mf.unsafeGetDirectURL('calib')).origin
            const calib = async () => {
              await send(`${calibOrigin}/`)
            }
            const pid = harness.workerdPid()
            const procFloor = await procCpuPerRequest(pid, s.floor, n)
            const procCalib = await procCpuPerRequest(pid, calib, n)
            cpu.floor = await isolateCpu(harness, 'floor', s.floor, n)
            cpu.calib = await isolateCpu(harness, 'calib', calib, n)
            if (procFloor !== undefined && procCalib !== undefined && procCalib > procFloor) {
              const procMs = procCalib - procFloor
              const profileMs = cpu.calib.perRequest - cpu.floor.perRequest
              capture = { ratio: profileMs / procMs, procMs, profileMs }
            }
            cpu.command = await isolateCpu(harness, 'ret', s.command, n)
            cpu.click = await isolateCpu(harness, 'ret', s.click, n)
          } else {
            cpu.teams = await isolateCpu(harness, 'ret', s.teams, n)
          }
        }
      } finally {
        await harness.dispose()
      }
    }
  }
  const mid = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
  const floorMs = mid(floorFirst)
  for (const surface of ['slack', 'teams'] as const) {
    const above = mid(first[surface]) - floorMs
    figures.push({
      id: `first.${surface}`,
      what: `First ${surface === 'slack' ? 'Slack (signed /ret command)' : 'Teams (`help`)'} request in a fresh isolate, above the floor's first request`,
      unit: 'ms',
      value: above,
      budget: '≤ 150 ms above the floor',
      ok: above <= 150,
      note: `median of ${runs} fresh workerds: ${round(mid(first[surface]), 1)} ms (runs ${first[surface].map((v) => round(v, 1)).join(', ')}); floor's first request ${round(floorMs, 1)} ms`,
    })
  }
  const topOf = (key: string) =>
    (cpu[key]?.top ?? [])
      .slice(0, 4)
      .map((t) => `${t.name.trim()} ${round(t.ms / n, 3)}`)
      .join('; ')
  const floorCpu = cpu.floor?.perRequest
  const cpuRows: [string, string, string][] = [
    ['command', 'Slack ack CPU, Worker isolate: signed /ret command', 'slack.cpu.command'],
    ['click', 'Slack ack CPU, Worker isolate: signed button click', 'slack.cpu.click'],
    ['teams', 'Teams ack CPU, Worker isolate: `help` (incl. sending the reply card)', 'teams.cpu.message'],
  ]
  figures.push({
    id: 'floor.cpu',
    what: 'Floor CPU per request, floor isolate (V8 profile via the inspector)',
    unit: 'ms',
    value: floorCpu,
    budget: '—',
    note: `over ${n} requests; top self time ms/request: ${topOf('floor')}`,
  })
  // Missed samples make the profile read low: the budget is checked on the figure scaled up by the run's
  // capture ratio (never scaled down).
  const scale = capture && capture.ratio > 0 && capture.ratio < 1 ? 1 / capture.ratio : 1
  figures.push({
    id: 'cpu.capture',
    what: 'Profiler capture ratio of this run (calibration loop: profile ÷ /proc, both above the floor)',
    unit: 'ratio',
    value: capture?.ratio,
    budget: '—',
    note: capture
      ? `loop ${round(capture.procMs, 3)} ms by /proc, ${round(capture.profileMs, 3)} ms by the profile; isolate CPU figures below are scaled by ${round(scale, 2)}`
      : 'not measured (no /proc or no difference)',
  })
  for (const [key, what, id] of cpuRows) {
    const raw = cpu[key]?.perRequest
    const v = raw === undefined ? undefined : raw * scale
    figures.push({
      id,
      what: `${what} (V8 profile via the inspector, incl. the waitUntil tail)`,
      unit: 'ms',
      value: v,
      budget: '≤ 2 ms',
      ok: v !== undefined && v <= 2,
      note: `over ${n} acks; profile ${round(raw, 3)} ms × ${round(scale, 2)}; floor isolate ${round(floorCpu, 3)} ms (unscaled); top self time ms/request: ${topOf(key)}`,
    })
  }
  return figures
}
