import { WebSocket } from 'undici'

/**
 * CPU time of one worker's isolate, from a V8 CPU profile taken through workerd's inspector (Miniflare
 * `inspectorPort`). workerd runs every isolate of the process (our Worker, the floor, Miniflare's entry
 * worker, the local D1 simulator, the queue broker) on one thread; V8 records a sample for a profiled
 * isolate only while that isolate is entered on the thread. So the isolate's CPU is the number of its
 * non-`(idle)` samples times the sampling interval. The samples' time deltas are wall-clock gaps (they
 * include the other isolates' turns and waits) and are not used for the total. `(program)` counts: V8
 * files native work inside the isolate there (a CPU-bound loop measured here landed mostly in it). When
 * the sampler thread itself is starved (a loaded machine) samples are missed: bench/isolate.ts measures
 * the capture ratio of the same run on a calibration worker of known cost.
 */
export interface IsolateProfiler {
  start: () => Promise<void>
  /** Stops profiling; busy milliseconds of the isolate and the top self-time functions. */
  stop: () => Promise<{
    busyMs: number
    samples: number
    spanMs: number
    top: { name: string; ms: number }[]
    /** The raw V8 profile (for a closer look, e.g. bench/steps.ts `BENCH_PROFILE_OUT`). */
    profile: Profile
  }>
  close: () => void
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** Sampling interval (µs): fine enough for sub-millisecond requests counted over hundreds. */
export const INTERVAL_US = 100

export async function connectProfiler(inspectorPort: number, target: string): Promise<IsolateProfiler> {
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/${target}`)
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true })
    ws.addEventListener('error', () => reject(new Error(`inspector ${target}: cannot connect`)), {
      once: true,
    })
  })
  let next = 0
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  ws.addEventListener('message', (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: { message: string } }
    if (msg.id === undefined) return
    const p = pending.get(msg.id)
    pending.delete(msg.id)
    if (msg.error) p?.reject(new Error(msg.error.message))
    else p?.resolve(msg.result)
  })
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next
      pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, method, params }))
    })
  await call('Profiler.enable')
  // 100 µs sampling: fine enough for sub-millisecond requests averaged over hundreds.
  await call('Profiler.setSamplingInterval', { interval: INTERVAL_US })
  return {
    start: async () => {
      await call('Profiler.start')
    },
    stop: async () => {
      const { profile } = (await call('Profiler.stop')) as { profile: Profile }
      return { ...summarise(profile), profile }
    },
    close: () => ws.close(),
  }
}

const NOT_BUSY = new Set(['(idle)'])

export function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  let busy = 0
  const self = new Map<string, number>()
  for (const id of profile.samples) {
    const node = byId.get(id)
    const name = node?.callFrame.functionName ?? '?'
    if (NOT_BUSY.has(name)) continue
    busy++
    const label = `${name || '(anonymous)'} ${node?.callFrame.url.split('/').pop() ?? ''}:${node?.callFrame.lineNumber ?? ''}`
    self.set(label, (self.get(label) ?? 0) + INTERVAL_US)
  }
  const busyUs = busy * INTERVAL_US
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, us]) => ({ name, ms: us / 1000 }))
  return { busyMs: busyUs / 1000, samples: busy, spanMs: (profile.endTime - profile.startTime) / 1000, top }
}
