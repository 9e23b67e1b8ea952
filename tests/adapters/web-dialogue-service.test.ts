import { describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { MemoryCaseStore } from '../../adapters/memory/memory-case-store'
import { MemoryLinkStore } from '../../adapters/memory/memory-link-store'
import { buildMemoryDraftStore } from '../../adapters/storage/draft-transition'
import { loadConfig } from '../../src/config'
import type { Actor } from '../../src/domain/types'
import type { NewCase } from '../../src/ports/case-store'
import type { JobQueue } from '../../src/ports/queue'
import type { Deps } from '../../src/services/deps'
import { runDialogueEvent, runLoadDialogue } from '../../src/services/dialogue'

const NOW = new Date('2026-11-23T10:00:00Z')
const KEY = 'web:dev:fleur'
const actor: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'fleur',
  name: 'Fleur',
  roles: ['referrer'],
  lang: 'nl',
}

/** A store whose first `failures` createCase calls fail (a D1 hiccup). */
class FlakyStore extends MemoryCaseStore {
  constructor(private failures: number) {
    super()
  }
  override async createCase(input: NewCase) {
    if (this.failures > 0) {
      this.failures--
      throw new Error('D1_ERROR: database is locked')
    }
    return super.createCase(input)
  }
}

function depsWith(store: MemoryCaseStore, jobs: { type: string; id: string }[]): Deps {
  const queue: JobQueue = {
    send: async (job) => {
      jobs.push({ type: job.type, id: job.id })
    },
  }
  return {
    store,
    cipher: buildAesGcmCipher('k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='),
    queue,
    clock: () => NOW,
    config: loadConfig({ DEV_MODE: 'true' }),
    links: new MemoryLinkStore(),
  }
}

/** The short spoedmelding: acute danger, then referrer, child and the question. */
const SPOED = [
  { type: 'start' as const, lang: 'nl' as const },
  { type: 'answer' as const, stepId: 'start', values: { acuteDanger: 'true', consultationOnly: 'false' } },
  { type: 'choose' as const, noticeId: 'G1', choice: 'spoedmelding' },
  {
    type: 'answer' as const,
    stepId: 'referrer',
    values: {
      'referrer.name': 'Fleur Mulder',
      'referrer.organisation': 'GI Drenthe',
      'referrer.role': 'gi',
      'referrer.email': 'fleur@example.org',
      'referrer.phone': '0591 123456',
    },
  },
  {
    type: 'answer' as const,
    stepId: 'child',
    values: { 'child.pseudonym': 'K.', 'child.birthYear': '2013', 'child.municipality': 'Emmen' },
  },
  { type: 'answer' as const, stepId: 'question', values: { question: 'Acute situatie thuis.' } },
]

describe('runDialogueEvent', () => {
  it('files the case once, reports it back to the draft and alerts the chairs for a spoedmelding', async () => {
    const jobs: { type: string; id: string }[] = []
    const store = new MemoryCaseStore()
    const deps = depsWith(store, jobs)
    const drafts = buildMemoryDraftStore()
    for (const event of SPOED) await runDialogueEvent(deps, drafts, { key: KEY, actor, event })
    expect((await runLoadDialogue(deps, drafts, KEY)).view?.phase).toBe('review')
    const turn = await runDialogueEvent(deps, drafts, { key: KEY, actor, event: { type: 'submit' } })
    expect(turn.view?.phase).toBe('submitted')
    expect(turn.reference).toMatch(/^RET-2026-\d{4}$/)
    const again = await runDialogueEvent(deps, drafts, { key: KEY, actor, event: { type: 'submit' } })
    expect(again.reference).toBe(turn.reference)
    expect(await store.listByReferrer(KEY)).toHaveLength(1)
    expect(jobs).toContainEqual({ type: 'case.acute', id: `case.acute:${turn.reference}` })
    // The submitted draft keeps the reference and the two gate facts its receipt needs (issue 13 §2), no
    // other answer.
    expect((await drafts.load(KEY))?.answers).toEqual({ acuteDanger: true })
  })

  it('keeps the draft when filing fails, says so, and files exactly one case on retry', async () => {
    const store = new FlakyStore(1)
    const deps = depsWith(store, [])
    const drafts = buildMemoryDraftStore()
    for (const event of SPOED) await runDialogueEvent(deps, drafts, { key: KEY, actor, event })
    const failed = await runDialogueEvent(deps, drafts, { key: KEY, actor, event: { type: 'submit' } })
    expect(failed.view?.phase).toBe('submitting')
    expect(failed.view?.errors.map((e) => e.nl).join(' ')).toContain('Je aanmelding is bewaard')
    expect(await store.listByReferrer(KEY)).toHaveLength(0)
    const retried = await runDialogueEvent(deps, drafts, { key: KEY, actor, event: { type: 'submit' } })
    expect(retried.view?.phase).toBe('submitted')
    expect(await store.listByReferrer(KEY)).toHaveLength(1)
  })

  it('returns a refused answer with the input as typed and the errors, leaving the draft as it was', async () => {
    const deps = depsWith(new MemoryCaseStore(), [])
    const drafts = buildMemoryDraftStore()
    await runDialogueEvent(deps, drafts, { key: KEY, actor, event: { type: 'start', lang: 'en' } })
    const turn = await runDialogueEvent(deps, drafts, {
      key: KEY,
      actor,
      event: {
        type: 'answer',
        stepId: 'start',
        values: { acuteDanger: 'false', consultationOnly: 'perhaps' },
      },
    })
    expect(turn.view?.errors.map((e) => e.field)).toEqual(['consultationOnly'])
    expect(turn.view?.fields.find((f) => f.name === 'acuteDanger')?.value).toBe('false')
    expect(turn.state?.version).toBe(0)
  })

  it('returns no view once the draft is cancelled (and erased)', async () => {
    const deps = depsWith(new MemoryCaseStore(), [])
    const drafts = buildMemoryDraftStore()
    await runDialogueEvent(deps, drafts, { key: KEY, actor, event: { type: 'start' } })
    const turn = await runDialogueEvent(deps, drafts, { key: KEY, actor, event: { type: 'cancel' } })
    expect(turn).toEqual({ view: null, state: null, reference: null })
    expect(await drafts.load(KEY)).toBeNull()
  })
})
