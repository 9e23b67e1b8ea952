/**
 * `npm run bench`: every budget of DESIGN.md §5, measured in one run, with the floor beside it.
 * Writes bench/results.json and the table in docs/performance.md. Not part of `npm test`.
 * Sections whose code is not there are reported as "not measured" with the reason, never invented.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { startBolt } from './bolt'
import { closeAgent } from './http'
import { type Figure, round } from './lib'
import { microBenches } from './micro'
import { startPlatforms } from './platforms'
import { SLACK_BENCH_BINDINGS } from './slack'
import { buildBundle, buildFloor, errorSamples, logCounts, startHarness, startupCpuMs, TMP } from './workerd'

const DEV_BINDINGS = {
  DEV_MODE: 'true',
  API_TOKEN: 'bench-api-token-0123456789',
  ENCRYPTION_KEYS: 'b1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  LINK_SIGNING_KEY: 'bench-link-signing-key-0123456789',
  ...SLACK_BENCH_BINDINGS,
  // The limiter still runs on every request (its cost is measured) but never refuses the bench's traffic.
}

async function main() {
  const started = Date.now()
  mkdirSync(TMP, { recursive: true })
  const figures: Figure[] = []
  const log = (f: Figure) => {
    figures.push(f)
    const parts = [
      f.median !== undefined ? `median ${round(f.median)}` : '',
      f.p95 !== undefined ? `p95 ${round(f.p95)}` : '',
      f.p99 !== undefined ? `p99 ${round(f.p99)}` : '',
      f.value !== undefined ? `${round(f.value)}` : '',
    ].filter(Boolean)
    console.log(
      `${f.ok === false ? '✗' : '✓'} ${f.what}: ${parts.join(' · ')} ${f.unit} (budget ${f.budget})${f.note ? ` — ${f.note}` : ''}`,
    )
  }

  // 1. In-process (Node) figures of the pure core.
  for (const f of await microBenches()) log(f)

  // 2. The built bundle: size and start-up CPU.
  const bundle = buildBundle()
  log({
    id: 'bundle.gzip',
    what: 'Worker bundle (minified, gzipped)',
    unit: 'KiB',
    value: bundle.gzipKiB,
    budget: '≤ 2048 KiB (2 MiB)',
    ok: bundle.gzipKiB <= 2048,
    note: `${round(bundle.minifiedKiB, 0)} KiB minified`,
  })
  const startup = startupCpuMs()
  log({
    id: 'startup.cpu',
    what: 'Worker start-up CPU (non-idle samples of the `wrangler check startup` profile, median of 3)',
    unit: 'ms',
    value: startup?.sampledMs,
    budget: '≤ 150 ms',
    ok: startup !== undefined && startup.sampledMs <= 150,
    note: startup ? `profile span incl. idle waits ${round(startup.spanMs, 1)} ms` : 'profile not produced',
  })

  // 3. Served by workerd on loopback sockets, beside the floor; the Bot Framework on a loopback stub; the
  // Bolt peer on its own socket. One HTTP client for all (bench/http.ts).
  const platforms = await startPlatforms()
  const bindings = { ...DEV_BINDINGS, ...platforms.bindings }
  const secret = SLACK_BENCH_BINDINGS.SLACK_SIGNING_SECRET ?? ''
  const floorScript = buildFloor()
  const bolt = await startBolt(secret)
  try {
    const harness = await startHarness(bundle.dir, floorScript, bindings)
    try {
      const { surfaceBenches } = await import('./surfaces')
      for (const f of await surfaceBenches(harness, bolt, bindings, platforms)) log(f)
    } finally {
      await harness.dispose()
    }
    // 4. Fresh workerds: first Slack / Teams request of an isolate, and CPU per ack of the isolate.
    const { isolateBenches } = await import('./isolate')
    for (const f of await isolateBenches(bundle.dir, floorScript, bindings, platforms, secret)) log(f)
  } finally {
    bolt.stop()
    await platforms.close()
    await closeAgent()
  }

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
  }
  const versions = Object.fromEntries(
    ['wrangler', 'miniflare', 'hono', 'zod', 'pdf-lib', '@slack/bolt'].map((p) => {
      try {
        return [p, JSON.parse(readFileSync(`node_modules/${p}/package.json`, 'utf8')).version]
      } catch {
        return [p, null]
      }
    }),
  )
  const results = {
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    machine,
    versions,
    figures,
  }
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync('docs/performance.md', renderMarkdown(results))
  console.log(`served Worker log lines by level: ${JSON.stringify(Object.fromEntries(logCounts))}`)
  for (const line of errorSamples) console.log(`  error: ${line}`)
  console.log(`bench: done in ${results.seconds} s → bench/results.json, docs/performance.md`)
}

function renderMarkdown(r: {
  at: string
  seconds: number
  machine: Record<string, unknown>
  versions: Record<string, unknown>
  figures: Figure[]
}) {
  const cell = (v: number | undefined) => (v === undefined ? '' : String(round(v)))
  const rows = r.figures.map(
    (f) =>
      `| ${f.what} | ${cell(f.median ?? f.value)} | ${cell(f.p95)} | ${cell(f.p99)} | ${f.unit} | ${f.budget} | ${f.ok === undefined ? '—' : f.ok ? 'yes' : '**no**'} | ${f.note ?? ''} |`,
  )
  return [
    '# Performance',
    '',
    'Generated by `npm run bench` (do not edit by hand). The Worker is the built bundle served by workerd (Miniflare)',
    'on its own loopback socket, beside a bare Hono route on another socket of the same workerd (the floor) and a',
    'plain Bolt app on Node; one HTTP client sends to all three. Pure functions are timed in-process on Node.',
    '',
    `Run at ${r.at} in ${r.seconds} s on ${JSON.stringify(r.machine)}.`,
    `Versions: ${JSON.stringify(r.versions)}.`,
    '',
    '| what | median / value | p95 | p99 | unit | budget | within | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    // The reading of the figures (methods, misses and what would close them) is kept beside the bench.
    readFileSync('bench/notes.md', 'utf8').trim(),
    '',
  ].join('\n')
}

/** `npm run bench -- --render`: writes docs/performance.md again from bench/results.json (no measuring). */
function renderOnly() {
  const results = JSON.parse(readFileSync('bench/results.json', 'utf8')) as Parameters<
    typeof renderMarkdown
  >[0]
  writeFileSync('docs/performance.md', renderMarkdown(results))
  console.log('bench: docs/performance.md rendered from bench/results.json')
}

if (process.argv.includes('--render')) renderOnly()
else
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
