import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { type Figure, round, stats, timeAsync } from './lib'
import { buildFloor, TMP } from './workerd'

/**
 * The intake PDF in workerd (DESIGN.md §5: 3 pages with the embedded subset Unicode font, ≤ 60 ms
 * median, ≤ 80 KB). bench/pdf-worker.ts is bundled like the Worker (esbuild, the .ttf files as binary
 * data) and served by Miniflare beside the floor; a request renders one PDF. workerd's clocks do not
 * advance during a request, so the time is the request's round trip from here, with the floor's round
 * trip in the same run beside it (render time ≈ PDF − floor).
 */
export async function pdfBenches(): Promise<Figure[]> {
  const script = join(TMP, 'pdf-worker.js')
  execFileSync(
    'node_modules/.bin/esbuild',
    [
      'bench/pdf-worker.ts',
      '--bundle',
      '--format=esm',
      '--minify',
      '--loader:.ttf=binary',
      `--outfile=${script}`,
    ],
    { stdio: 'pipe' },
  )
  const mf = new Miniflare({
    workers: [
      {
        name: 'pdf',
        modules: true,
        scriptPath: script,
        routes: ['pdf.local/*'],
        compatibilityDate: '2026-04-20',
      },
      {
        name: 'floor',
        modules: true,
        scriptPath: buildFloor(),
        routes: ['floor.local/*'],
        compatibilityDate: '2026-04-20',
      },
    ],
  })
  try {
    await mf.ready
    const get = (host: string) => () =>
      (mf.dispatchFetch(`http://${host}/`) as unknown as Promise<Response>).then((r) => r.arrayBuffer())
    const n = Number(process.env.BENCH_PDF_N ?? 200)
    const first = await get('pdf.local')()
    const pages = (new TextDecoder('latin1').decode(first).match(/\/Type \/Page\b/g) ?? []).length
    const floor = stats(await timeAsync(get('floor.local'), n, 20))
    const pdf = stats(await timeAsync(get('pdf.local'), n, 20))
    const kb = first.byteLength / 1024
    return [
      {
        id: 'pdf.render',
        what: `Intake PDF in workerd (${pages} pages, DejaVu Sans subset embedded)`,
        unit: 'ms',
        median: pdf.median,
        p95: pdf.p95,
        budget: '≤ 60 ms median',
        ok: pdf.median <= 60,
        note: `round trip; floor median ${round(floor.median, 2)} ms, p95 ${round(floor.p95, 2)} ms`,
      },
      {
        id: 'pdf.size',
        what: `Intake PDF size (${pages} pages)`,
        unit: 'KiB',
        value: kb,
        budget: '≤ 80 KB',
        ok: first.byteLength <= 80 * 1000,
      },
    ]
  } finally {
    await mf.dispose()
  }
}
