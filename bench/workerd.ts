import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'
import { fetcher } from './http'

/**
 * The real Worker, built as for production (`wrangler deploy --dry-run --minify`) and served by Miniflare
 * directly — not through `wrangler dev`, whose proxy and inspector relays inflate figures 2–5×
 * (DESIGN.md §5). A second worker in the same workerd is the floor: a bare Hono route.
 */
export const TMP = 'bench/tmp'
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }

export function buildBundle(): { dir: string; files: string[]; gzipKiB: number; minifiedKiB: number } {
  const dir = join(TMP, 'dist')
  mkdirSync(dir, { recursive: true })
  execFileSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', dir, '--minify'], {
    env,
    stdio: 'pipe',
  })
  const files = readdirSync(dir).filter((f) => !f.endsWith('.map') && statSync(join(dir, f)).isFile())
  let gz = 0
  let raw = 0
  for (const f of files) {
    const buf = readFileSync(join(dir, f))
    raw += buf.length
    gz += gzipSync(buf, { level: 9 }).length
  }
  return { dir, files, gzipKiB: gz / 1024, minifiedKiB: raw / 1024 }
}

export function buildFloor(): string {
  const out = join(TMP, 'floor.js')
  execFileSync(
    'node_modules/.bin/esbuild',
    ['bench/floor.ts', '--bundle', '--format=esm', '--minify', `--outfile=${out}`],
    {
      stdio: 'pipe',
    },
  )
  return out
}

/**
 * Start-up CPU of the built Worker from `wrangler check startup` (a CPU profile of the start-up phase):
 * the sampled non-idle time is the CPU figure; the profile's span also counts idle waits. The median of
 * `runs` profiles, as single profiles vary by ±40 % on this 2-core machine.
 */
export function startupCpuMs(runs = 3): { spanMs: number; sampledMs: number } | undefined {
  const results: { spanMs: number; sampledMs: number }[] = []
  for (let i = 0; i < runs; i++) {
    const one = startupProfile()
    if (one) results.push(one)
  }
  if (results.length === 0) return undefined
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  return { spanMs: mid(results.map((r) => r.spanMs)), sampledMs: mid(results.map((r) => r.sampledMs)) }
}

function startupProfile(): { spanMs: number; sampledMs: number } | undefined {
  const profile = join(TMP, 'startup.cpuprofile')
  const result = spawnSync(
    'node_modules/.bin/wrangler',
    ['check', 'startup', '--args=--minify', '--outfile', profile],
    {
      env,
      stdio: 'pipe',
    },
  )
  if (result.status !== 0) return undefined
  const data = JSON.parse(readFileSync(profile, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string } }[]
    samples: number[]
    timeDeltas: number[]
    startTime: number
    endTime: number
  }
  const idle = new Set(
    data.nodes.filter((n) => ['(idle)', '(program)'].includes(n.callFrame.functionName)).map((n) => n.id),
  )
  let us = 0
  data.samples.forEach((id, i) => {
    if (!idle.has(id)) us += data.timeDeltas[i] ?? 0
  })
  return { spanMs: (data.endTime - data.startTime) / 1000, sampledMs: us / 1000 }
}

/** Log lines of the served Worker by level, and the first few error lines (for the run's summary). */
export const logCounts = new Map<string, number>()
export const errorSamples: string[] = []

export interface Harness {
  mf: Miniflare
  /** Our Worker on workerd's own listening socket (127.0.0.1), through the bench's one HTTP client. */
  ret: (path: string, init?: RequestInit) => Promise<Response>
  /** The floor worker on its own workerd socket, through the same client. */
  floor: (path: string, init?: RequestInit) => Promise<Response>
  /** Origins of the two workerd sockets (`http://127.0.0.1:<port>`), for `send()` in bench/http.ts. */
  retOrigin: string
  floorOrigin: string
  /**
   * Miniflare's `dispatchFetch` (through its entry worker): the former method, kept for the one-off
   * comparison, and the way of the 200-user load (see bench/load.ts).
   */
  dispatchRet: (path: string, init?: RequestInit) => Promise<Response>
  dispatchFloor: (path: string, init?: RequestInit) => Promise<Response>
  /** workerd's inspector port when started with one (CPU profiles of one isolate, bench/inspector.ts). */
  inspectorPort: number | undefined
  workerdPid: () => number | undefined
  dispose: () => Promise<void>
}

/**
 * Serves the built bundle and the floor worker, each on its own loopback socket of the same workerd
 * (`unsafeDirectSockets`: the request reaches the worker without Miniflare's entry worker), beside
 * Miniflare's local D1, Durable Objects, R2 and queues. `inspectorPort` opens workerd's inspector.
 */
/** The rate-limiting bindings of wrangler.toml, opened wide for the bench (the limiter still runs on every request). */
const BENCH_RATE_LIMITS = Object.fromEntries(
  ['RATE_LIMIT_USER', 'RATE_LIMIT_TENANT', 'RATE_LIMIT_CLIENT'].map((name) => [
    name,
    { simple: { limit: 1_000_000, period: 60 } },
  ]),
)

export async function startHarness(
  bundleDir: string,
  floorScript: string,
  bindings: Record<string, string>,
  options: { inspectorPort?: number; extraWorkers?: { name: string; script: string }[] } = {},
): Promise<Harness> {
  const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml')
  const persist = join(TMP, `state-${process.pid}-${Date.now()}`)
  const others = new Set(workerdPids())
  const direct = [{ host: '127.0.0.1', port: 0 }]
  const mf = new Miniflare({
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    // The Worker's structured log lines are counted by level, not printed (thousands per run).
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      for (const stream of [stdout, stderr]) {
        let rest = ''
        stream.on('data', (chunk: Buffer) => {
          const lines = (rest + chunk.toString()).split('\n')
          rest = lines.pop() ?? ''
          for (const line of lines) {
            const level = line.match(/"level":"(\w+)"/)?.[1] ?? (line.trim() ? 'other' : null)
            if (level) logCounts.set(level, (logCounts.get(level) ?? 0) + 1)
            if (level === 'error' && errorSamples.length < 5) errorSamples.push(line.slice(0, 300))
          }
        })
      }
    },
    d1Persist: persist,
    durableObjectsPersist: persist,
    r2Persist: persist,
    workers: [
      {
        ...workerOptions,
        name: 'ret',
        modules: true,
        scriptPath: join(bundleDir, 'index.js'),
        modulesRoot: bundleDir,
        bindings: { ...(workerOptions.bindings ?? {}), ...bindings },
        // wrangler.toml's production limits (120 a minute per person) would answer most bench requests with 429.
        ratelimits: BENCH_RATE_LIMITS,
        routes: ['ret.localhost/*'],
        unsafeDirectSockets: direct,
      } as never,
      {
        name: 'floor',
        modules: true,
        scriptPath: floorScript,
        routes: ['floor.local/*'],
        compatibilityDate: '2026-04-20',
        unsafeDirectSockets: direct,
      },
      ...(options.extraWorkers ?? []).map((w) => ({
        name: w.name,
        modules: true,
        script: w.script,
        compatibilityDate: '2026-04-20',
        unsafeDirectSockets: direct,
      })),
    ],
  })
  await mf.ready
  const db = await mf.getD1Database('DB', 'ret')
  for (const file of readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const sql = readFileSync(join('migrations', file), 'utf8')
    for (const statement of splitSql(sql)) await db.prepare(statement).run()
  }
  const dispatch = (host: string) => (path: string, init?: RequestInit) =>
    mf.dispatchFetch(`http://${host}${path}`, init as never) as unknown as Promise<Response>
  const pids = new Set(workerdPids().filter((p) => !others.has(p)))
  const workerdPid = () => [...pids][0]
  const retOrigin = (await mf.unsafeGetDirectURL('ret')).origin
  const floorOrigin = (await mf.unsafeGetDirectURL('floor')).origin
  return {
    mf,
    ret: fetcher(retOrigin),
    floor: fetcher(floorOrigin),
    retOrigin,
    floorOrigin,
    dispatchRet: dispatch('ret.localhost'),
    dispatchFloor: dispatch('floor.local'),
    inspectorPort: options.inspectorPort,
    workerdPid,
    // The run's local D1/DO/R2 state is thrown away with the harness (each run starts empty).
    dispose: () => mf.dispose().then(() => rmSync(persist, { recursive: true, force: true })),
  }
}

/** The workerd processes this bench started (children of this Node process). */
export function workerdPids(): number[] {
  try {
    const out = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'workerd'], { encoding: 'utf8' })
    return out
      .trim()
      .split('\n')
      .map(Number)
      .filter((n) => n > 0)
  } catch {
    return []
  }
}

/** Splits a migration file into statements (triggers keep their BEGIN … END bodies together). */
export function splitSql(sql: string): string[] {
  const statements: string[] = []
  let current = ''
  let depth = 0
  for (const line of sql.split('\n')) {
    const trimmed = line.replace(/--.*$/, '').trim()
    if (!trimmed) continue
    current += `${line}\n`
    if (/\bBEGIN\b/i.test(trimmed)) depth++
    if (/^END\b/i.test(trimmed)) depth--
    if (depth === 0 && trimmed.endsWith(';')) {
      statements.push(current.trim())
      current = ''
    }
  }
  if (current.trim()) statements.push(current.trim())
  return statements
}
