import type { Figure } from './lib'
import { stats, timeSync } from './lib'

/** In-process figures of the pure core; a section whose module is missing is reported, not faked. */
export async function microBenches(): Promise<Figure[]> {
  const out: Figure[] = []
  const { loadSamples } = await import('../tests/fixtures/samples')
  const samples = loadSamples()
  const now = new Date('2026-11-23T10:00:00+01:00')

  try {
    const { parseIntake } = await import('../src/domain/intake')
    const { route } = await import('../src/domain/routing')
    const { DEFAULT_RULES } = await import('../src/domain/rules')
    const intakes = samples.map((s) => {
      const r = parseIntake(s.intake)
      if (!r.ok) throw new Error(`sample ${s.name} invalid`)
      return r.value
    })
    let i = 0
    const s = stats(timeSync(() => route(intakes[i++ % intakes.length]!, DEFAULT_RULES, now), 20000, 2000))
    out.push({
      id: 'route',
      what: 'Routing one intake (pure, Node)',
      unit: 'ms',
      ...s,
      budget: '≤ 0.05 ms',
      ok: s.median <= 0.05,
    })
  } catch (error) {
    out.push({
      id: 'route',
      what: 'Routing one intake',
      unit: 'ms',
      budget: '≤ 0.05 ms',
      note: `not measured: ${(error as Error).message}`,
    })
  }
  out.push(...(await (await import('./digest')).digestBenches()))
  return out
}
