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

describe('applyIf: the guard is checked by the single writer, in the same call as the event', () => {
  const START = {
    type: 'answer' as const,
    stepId: 'start',
    values: { acuteDanger: 'false', consultationOnly: 'false' },
  }

  it('refuses without a draft and starts none (the web step without a draft)', async () => {
    const store = buildMemoryDraftStore()
    const out = await store.applyIf('web:dev:guard-none', START, AT, { existing: true })
    expect(out).toEqual({ applied: false, state: null })
    expect(await store.load('web:dev:guard-none')).toBeNull()
  })

  it('applies with a draft and says what the draft was before', async () => {
    const store = buildMemoryDraftStore()
    const begun = await store.apply('web:dev:guard-some', { type: 'start', lang: 'en' }, AT)
    const out = await store.applyIf('web:dev:guard-some', START, AT, { existing: true })
    if (!out.applied) throw new Error('refused')
    expect(out.result.state.stepId).toBe('referrer')
    expect(out.before).toEqual({ phase: begun.state.phase, stepId: 'start', lang: 'en' })
  })

  it('refuses a button of an older version, or a draft not in the given phases, and changes nothing', async () => {
    const store = buildMemoryDraftStore()
    const key = 'teams:t:guard-version'
    const begun = await store.apply(key, { type: 'start', lang: 'nl' }, AT)
    const stale = await store.applyIf(key, START, AT, { version: begun.state.version - 1 })
    expect(stale).toEqual({ applied: false, state: begun.state })
    const wrongPhase = await store.applyIf(key, START, AT, {
      phases: ['review'],
      version: begun.state.version,
    })
    expect(wrongPhase.applied).toBe(false)
    expect((await store.load(key))?.version).toBe(begun.state.version)
    const ok = await store.applyIf(key, START, AT, { phases: ['step'], version: begun.state.version })
    expect(ok.applied && ok.result.state.version).toBe(begun.state.version + 1)
  })
})
