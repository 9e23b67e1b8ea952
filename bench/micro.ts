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
  out.push(
    ...(await stepBenches(
      samples.map((s) => s.intake),
      now,
    )),
  )
  out.push(...(await (await import('./digest')).digestBenches()))
  out.push(...(await (await import('./digest')).monitoringBenches()))
  return out
}

/**
 * One dialogue step (pure, Node; DESIGN.md §5: ≤ 0.2 ms): every `answer` event of every sample's walk
 * from the first step to the review, replayed in turn from the state it was answered in.
 */
async function stepBenches(intakes: Record<string, unknown>[], now: Date): Promise<Figure[]> {
  const what = 'One dialogue step (pure `step`, Node)'
  try {
    const { newDraft, step } = await import('../src/domain/dialogue')
    const { DEFAULT_SCRIPT } = await import('../src/domain/script')
    const { formValuesFor, stepDef } = await import('../tests/unit/dialogue-helpers')
    type State = ReturnType<typeof newDraft>
    const pairs: { state: State; event: Parameters<typeof step>[1] }[] = []
    for (const intake of intakes) {
      let state = newDraft('bench', 'nl', now)
      for (let guard = 0; guard < 30 && state.phase === 'step'; guard++) {
        const event = {
          type: 'answer' as const,
          stepId: state.stepId,
          values: formValuesFor(stepDef(state.stepId), intake),
        }
        const result = step(state, event, DEFAULT_SCRIPT, now)
        if (result.errors.length > 0) break
        pairs.push({ state, event })
        state = result.state
      }
    }
    if (pairs.length === 0) throw new Error('no steps to replay')
    let i = 0
    const s = stats(
      timeSync(
        () => {
          const pair = pairs[i++ % pairs.length]!
          step(pair.state, pair.event, DEFAULT_SCRIPT, now)
        },
        20000,
        2000,
      ),
    )
    return [
      {
        id: 'dialogue.step',
        what,
        unit: 'ms',
        ...s,
        budget: '≤ 0.2 ms',
        ok: s.median <= 0.2,
        note: `${pairs.length} distinct answer events from ${intakes.length} samples`,
      },
    ]
  } catch (error) {
    return [
      {
        id: 'dialogue.step',
        what,
        unit: 'ms',
        budget: '≤ 0.2 ms',
        note: `not measured: ${(error as Error).message}`,
      },
    ]
  }
}
