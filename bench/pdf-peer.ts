import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Miniflare } from 'miniflare'
import { PDFDocument } from 'pdf-lib'
import { type Figure, processCpuMs, round, stats } from './lib'
import { TMP, workerdPids } from './workerd'

/**
 * The intake PDF against pdf-lib's standard Helvetica drawing the same text (the floor), both rendered
 * inside workerd by bench/pdf-peer-worker.ts (bundled with esbuild from the PDF renderer). workerd's timers stand still during CPU work, so each render is timed from outside as its
 * round trip minus the median round trip of a no-op route of the same worker; /proc CPU of that workerd
 * process gives a second, independent figure.
 */
export async function pdfPeerBenches(): Promise<Figure[]> {
  const script = join(TMP, 'pdf-peer-worker.js')
  execFileSync(
    'node_modules/.bin/esbuild',
    [
      'bench/pdf-peer-worker.ts',
      '--bundle',
      '--format=esm',
      '--minify',
      '--platform=neutral',
      '--main-fields=module,main',
      '--conditions=workerd,worker,browser',
      '--loader:.ttf=binary',
      `--outfile=${script}`,
    ],
    { stdio: 'pipe' },
  )
  const before = new Set(workerdPids())
  const mf = new Miniflare({ modules: true, scriptPath: script, compatibilityDate: '2026-04-20' })
  await mf.ready
  const pid = workerdPids().find((p) => !before.has(p))
  try {
    const get = async (path: string) => {
      const r = await mf.dispatchFetch(`http://pdf.local${path}`)
      const bytes = new Uint8Array(await r.arrayBuffer())
      if (r.status !== 200) throw new Error(`${path} answered ${r.status}`)
      return bytes
    }
    const ours = await get('/ours')
    const pages = (await PDFDocument.load(ours)).getPageCount()
    const helv = await get(`/helvetica?pages=${pages}`)
    const n = Number(process.env.BENCH_PDF_N ?? 40)
    for (let i = 0; i < 5; i++) {
      await get('/ours')
      await get(`/helvetica?pages=${pages}`)
      await get('/noop')
    }
    const t = { ours: [] as number[], helv: [] as number[], noop: [] as number[] }
    const cpu = { ours: 0, helv: 0, noop: 0 }
    const timeOne = async (key: keyof typeof t, path: string) => {
      const c0 = pid ? processCpuMs(pid) : undefined
      const t0 = performance.now()
      await get(path)
      t[key].push(performance.now() - t0)
      const c1 = pid ? processCpuMs(pid) : undefined
      if (c0 !== undefined && c1 !== undefined) cpu[key] += c1 - c0
    }
    for (let i = 0; i < n; i++) {
      await timeOne('noop', '/noop')
      await timeOne('ours', '/ours')
      await timeOne('helv', `/helvetica?pages=${pages}`)
      await sleep(2)
    }
    const noop = stats(t.noop).median
    const minus = (xs: number[]) => stats(xs.map((x) => x - noop))
    const so = minus(t.ours)
    const sh = minus(t.helv)
    const cpuOurs = pid ? (cpu.ours - cpu.noop) / n : undefined
    const cpuHelv = pid ? (cpu.helv - cpu.noop) / n : undefined
    const kb = ours.length / 1000
    return [
      {
        id: 'pdf.peer.ours',
        what: `Intake PDF in workerd, second method (${pages} pages, unicode sample; round trip − no-op)`,
        unit: 'ms',
        ...so,
        budget: '≤ 60 ms median',
        ok: so.median <= 60,
        note: `workerd CPU ${round(cpuOurs, 1)} ms/render (/proc)`,
      },
      {
        id: 'pdf.helvetica',
        what: `Floor: the same text in pdf-lib standard Helvetica (${pages} pages, WinAnsi only)`,
        unit: 'ms',
        ...sh,
        budget: '—',
        note: `workerd CPU ${round(cpuHelv, 1)} ms/render (/proc)`,
      },
      {
        id: 'pdf.ratio',
        what: 'Embedded-font PDF ÷ Helvetica floor',
        unit: 'ratio',
        median: so.median / sh.median,
        p99: so.p99 / sh.p99,
        budget: '—',
        note: `sizes ${round(kb, 1)} KB vs ${round(helv.length / 1000, 1)} KB`,
      },
    ]
  } finally {
    await mf.dispose()
  }
}
