/**
 * `npx tsx bench/steps.ts`: the dialogue load alone, for working on its tail (issue 11, Performance) —
 * not part of `npm run bench`, and it writes nothing to docs/. Builds the Worker as `npm run bench` does
 * (or reuses bench/tmp/dist with `BENCH_REUSE_BUNDLE=1`), then:
 * 1. `BENCH_SEQ` (default 4) web and Teams dialogues one after another on the otherwise idle workerd: the
 *    wall time of each request kind (POST /intake, the GET after its redirect, a Teams activity to its
 *    reply card), workerd's process CPU per step (/proc: our isolate, the D1/DO simulators, the queue
 *    consumer) and, with `BENCH_PROFILE=1`, our isolate's CPU per step from a V8 profile;
 * 2. the concurrent load of bench/load.ts (`BENCH_DIALOGUES`, default 200; `BENCH_DIALOGUES=0` skips it).
 * Prints one JSON line per part with the load average beside it (the machine is shared).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { answersFor } from '../tests/integration/helpers/answers'
import { BenchTeamsUser, BenchWebClient } from './clients'
import { closeAgent } from './http'
import { connectProfiler } from './inspector'
import { processCpuMs, round, stats } from './lib'
import { loadBench } from './load'
import { startPlatforms } from './platforms'
import { SLACK_BENCH_BINDINGS } from './slack'
import { buildBundle, buildFloor, startHarness, TMP } from './workerd'

const DEV_BINDINGS = {
  DEV_MODE: 'true',
  API_TOKEN: 'bench-api-token-0123456789',
  ENCRYPTION_KEYS: 'b1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  LINK_SIGNING_KEY: 'bench-link-signing-key-0123456789',
  ...SLACK_BENCH_BINDINGS,
}

/** User and system CPU (ms) of a process, from /proc: system time is where storage writes and syncs show. */
function userSystemMs(pid: number | undefined): { user: number; system: number } | undefined {
  if (!pid) return undefined
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 }
  } catch {
    return undefined
  }
}

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')

async function main() {
  // BENCH_BUNDLE_DIR: another build (e.g. without --minify, for readable profiles).
  const bundleDir = process.env.BENCH_BUNDLE_DIR ?? `${TMP}/dist`
  if (process.env.BENCH_REUSE_BUNDLE !== '1' && !process.env.BENCH_BUNDLE_DIR) buildBundle()
  const platforms = await startPlatforms()
  const bindings = { ...DEV_BINDINGS, ...platforms.bindings }
  const profile = process.env.BENCH_PROFILE === '1'
  const inspectorPort = profile ? 9300 + Math.floor(Math.random() * 500) : undefined
  const harness = await startHarness(
    bundleDir,
    buildFloor(),
    bindings,
    inspectorPort ? { inspectorPort } : {},
  )
  try {
    const token = await platforms.token()
    // Request wall times by kind, through the same dispatch the load uses.
    const byKind = new Map<string, number[]>()
    const timedDispatch: typeof harness.dispatchRet = async (path, init) => {
      const t0 = performance.now()
      const res = await harness.dispatchRet(path, init)
      const kind = `${init?.method ?? 'GET'} ${path.split('?')[0]}`
      byKind.set(kind, [...(byKind.get(kind) ?? []), performance.now() - t0])
      return res
    }
    const seq = Number(process.env.BENCH_SEQ ?? 4)
    const stepTimes = { web: [] as number[], teams: [] as number[] }
    const runWeb = async (i: number, record: boolean) => {
      const b = new BenchWebClient(record ? timedDispatch : harness.dispatchRet)
      const answers = answersFor(i)
      await b.login(`Steps Web ${i}`)
      const step = async (work: () => Promise<void>) => {
        const t0 = performance.now()
        await work()
        if (record) stepTimes.web.push(performance.now() - t0)
      }
      await step(() => b.post('/intake/start', {}))
      for (let guard = 0; guard < 25 && b.stepId() !== 'review'; guard++) {
        const stepId = b.stepId()
        await step(() => b.post('/intake', { _step: stepId, _action: 'next', ...answers[stepId] }))
      }
      await step(() => b.post('/intake', { _step: 'review', _action: 'submit' }))
      if (!/RET-\d{4}-\d{4,}/.test(b.html)) throw new Error(`web ${i}: no reference`)
    }
    const runTeams = async (i: number, record: boolean) => {
      const user = new BenchTeamsUser(harness.dispatchRet, platforms, `aad-steps-${i}-${Date.now()}`)
      const answers = answersFor(i)
      const step = async (work: () => Promise<void>) => {
        const t0 = performance.now()
        await work()
        if (record) stepTimes.teams.push(performance.now() - t0)
      }
      await step(() => user.say('nieuwe casus', token))
      for (let guard = 0; guard < 25 && !user.hasButton('submit'); guard++) {
        const stepId = user.stepId() ?? ''
        await step(() => user.post(user.pressActivity('next', answers[stepId]), token))
      }
      await step(() => user.post(user.pressActivity('submit'), token))
      if (!/RET-\d{4}-\d{4,}/.test(JSON.stringify(user.card))) throw new Error(`teams ${i}: no reference`)
    }
    // Warm-up (first requests load modules and the Teams SDK), then the measured sequential dialogues.
    await runWeb(1000, false)
    await runTeams(1001, false)
    await sleep(500)
    const pid = harness.workerdPid()
    const profiler = inspectorPort ? await connectProfiler(inspectorPort, 'core:user:ret') : undefined
    await profiler?.start()
    // Every other isolate of the process too (Miniflare's entry worker, the D1 and queue simulators, …).
    const others: { name: string; p: Awaited<ReturnType<typeof connectProfiler>> }[] = []
    if (inspectorPort && process.env.BENCH_PROFILE_ALL === '1') {
      const list = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
        id: string
      }[]
      for (const { id } of list) {
        if (id === 'core:user:ret') continue
        const p = await connectProfiler(inspectorPort, id).catch(() => undefined)
        if (p) {
          await p.start()
          others.push({ name: id, p })
        }
      }
    }
    const cpu0 = pid ? processCpuMs(pid) : undefined
    const us0 = userSystemMs(pid)
    const loadBefore = load()
    for (let i = 0; i < seq; i++) {
      await runWeb(2000 + i, true)
      await runTeams(3000 + i, true)
    }
    await sleep(1000) // the queue work of the last submits
    const cpu1 = pid ? processCpuMs(pid) : undefined
    const us1 = userSystemMs(pid)
    const prof = await profiler?.stop()
    if (prof && process.env.BENCH_PROFILE_OUT)
      writeFileSync(process.env.BENCH_PROFILE_OUT, JSON.stringify(prof.profile))
    profiler?.close()
    const otherCpu: Record<string, unknown> = {}
    for (const o of others) {
      const r = await o.p.stop()
      o.p.close()
      otherCpu[o.name] = {
        perStepMs: round(r.busyMs / (stepTimes.web.length + stepTimes.teams.length), 3),
        top: r.top.slice(0, 5).map((t) => `${t.name.trim()} ${round(t.ms, 1)}`),
      }
    }
    const steps = stepTimes.web.length + stepTimes.teams.length
    const summary = (values: number[]) => {
      const s = stats(values)
      return { n: s.n, p50: round(s.median, 1), p95: round(s.p95, 1), max: round(Math.max(...values), 1) }
    }
    console.log(
      JSON.stringify({
        part: 'sequential',
        loadavg: `${loadBefore} → ${load()}`,
        web: summary(stepTimes.web),
        teams: summary(stepTimes.teams),
        kinds: Object.fromEntries([...byKind].map(([k, v]) => [k, summary(v)])),
        workerdCpuPerStepMs:
          cpu0 !== undefined && cpu1 !== undefined ? round((cpu1 - cpu0) / steps, 2) : null,
        ...(us0 && us1
          ? {
              workerdUserPerStepMs: round((us1.user - us0.user) / steps, 2),
              workerdSystemPerStepMs: round((us1.system - us0.system) / steps, 2),
            }
          : {}),
        ...(others.length ? { otherIsolates: otherCpu } : {}),
        ...(prof
          ? {
              isolateCpuPerStepMs: round(prof.busyMs / steps, 3),
              top: prof.top.slice(0, 8).map((t) => `${t.name.trim()} ${round(t.ms / steps, 3)}`),
            }
          : {}),
      }),
    )
    const dialogues = Number(process.env.BENCH_DIALOGUES ?? 200)
    if (dialogues > 0) {
      const before = load()
      const figures = await loadBench(harness, platforms, bindings.ENCRYPTION_KEYS ?? '', dialogues)
      console.log(
        JSON.stringify({
          part: 'load',
          loadavg: `${before} → ${load()}`,
          figures: figures.map((f) => ({
            id: f.id,
            p50: round(f.median, 1),
            p95: round(f.p95, 1),
            p99: round(f.p99, 1),
            value: f.value,
            note: f.note,
          })),
        }),
      )
    }
  } finally {
    await harness.dispose()
    await platforms.close()
    await closeAgent()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
