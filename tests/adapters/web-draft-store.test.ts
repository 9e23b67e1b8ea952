import { describe, expect, it } from 'vitest'
import { buildMemoryDraftStore } from '../../adapters/storage/draft-transition'

const AT = '2026-11-23T10:00:00.000Z'
const KEY = 'web:dev:sanne'

function ids() {
  let n = 0
  return () => `draft-${++n}`
}

describe('draft single writer (the Durable Object transitions, in memory)', () => {
  it('starts once: a second start resumes the same draft', async () => {
    const drafts = buildMemoryDraftStore(ids())
    const first = await drafts.apply(KEY, { type: 'start', lang: 'nl' }, AT)
    expect(first.state.draftId).toBe('draft-1')
    const again = await drafts.apply(KEY, { type: 'start', lang: 'nl' }, AT)
    expect(again.state.draftId).toBe('draft-1')
    expect((await drafts.load(KEY))?.draftId).toBe('draft-1')
    expect(await drafts.load('web:dev:someone-else')).toBeNull()
  })

  it('applies a double click once: the second identical answer is stale and changes nothing', async () => {
    const drafts = buildMemoryDraftStore(ids())
    await drafts.apply(KEY, { type: 'start', lang: 'nl' }, AT)
    const answer = {
      type: 'answer' as const,
      stepId: 'start',
      values: { acuteDanger: 'false', consultationOnly: 'false' },
    }
    const [a, b] = await Promise.all([drafts.apply(KEY, answer, AT), drafts.apply(KEY, answer, AT)])
    expect(a.state.version).toBe(1)
    expect(b.state.version).toBe(1)
    expect((await drafts.load(KEY))?.stepId).toBe('referrer')
  })

  it('keeps a refused answer out of the draft and returns the errors', async () => {
    const drafts = buildMemoryDraftStore(ids())
    await drafts.apply(KEY, { type: 'start', lang: 'en' }, AT)
    const refused = await drafts.apply(
      KEY,
      { type: 'answer', stepId: 'start', values: { acuteDanger: 'maybe' } },
      AT,
    )
    expect(refused.errors.map((e) => e.field)).toContain('acuteDanger')
    expect((await drafts.load(KEY))?.version).toBe(0)
  })

  it('erases a cancelled draft; the next start is a new draft', async () => {
    const drafts = buildMemoryDraftStore(ids())
    await drafts.apply(KEY, { type: 'start' }, AT)
    const cancelled = await drafts.apply(KEY, { type: 'cancel' }, AT)
    expect(cancelled.effects).toEqual([{ type: 'cancelled' }])
    expect(await drafts.load(KEY)).toBeNull()
    expect((await drafts.apply(KEY, { type: 'start' }, AT)).state.draftId).toBe('draft-2')
  })

  it('reset removes the draft', async () => {
    const drafts = buildMemoryDraftStore(ids())
    await drafts.apply(KEY, { type: 'start' }, AT)
    await drafts.reset(KEY)
    expect(await drafts.load(KEY)).toBeNull()
  })
})

describe('a submitted draft (issue 13 §2)', () => {
  it('keeps whether it was urgent, and nothing personal, so a reload still shows the call-back receipt', async () => {
    const { buildDraftTransition } = await import('../../adapters/storage/draft-transition')
    const { newDraft } = await import('../../src/domain/dialogue')
    const now = new Date(AT)
    const state = {
      ...newDraft('d-1', 'nl', now),
      phase: 'submitting' as const,
      answers: { acuteDanger: true, 'referrer.name': 'Sanne de Vries', 'referrer.phone': '06-12345678' },
      flow: 'spoed' as const,
    }
    const { result } = buildDraftTransition(
      state,
      { type: 'submitted', reference: 'RET-2026-0042' },
      now,
      () => 'x',
    )
    expect(result.state.phase).toBe('submitted')
    expect(result.state.answers).toEqual({ acuteDanger: true })
  })
})
