import { env, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { buildDurableDraftStore } from '../../adapters/storage/durable-draft-store'
import type { DraftState } from '../../src/domain/dialogue-types'
import { decryptDraftBlob } from './privacy-helpers'

// The draft's Durable Object keeps the state it last read or wrote in memory (bench: no storage read and
// no decryption per call). What it answers must always be what its storage holds.
const AT = '2026-11-23T10:00:00.000Z'
const START = {
  type: 'answer' as const,
  stepId: 'start',
  values: { acuteDanger: 'false', consultationOnly: 'false' },
}

function objectOf(key: string) {
  return env.DRAFTS.get(env.DRAFTS.idFromName(key))
}

/** The port as the routes use it (typed), plus `expire` on the object itself. */
function storeOf(key: string) {
  const store = buildDurableDraftStore(env.DRAFTS)
  return {
    apply: (event: Parameters<typeof store.apply>[1]) => store.apply(key, event, AT),
    load: () => store.load(key),
    reset: () => store.reset(key),
    expire: (beforeIso: string) => objectOf(key).expire(key, { beforeIso }) as Promise<boolean>,
  }
}

async function stored(key: string): Promise<DraftState | null> {
  const raw = await runInDurableObject(objectOf(key), (_instance, state) =>
    state.storage.get<{ key: string; blob: string }>('draft'),
  )
  if (!raw) return null
  return decryptDraftBlob<DraftState>(key, raw.blob, buildAesGcmCipher(env.ENCRYPTION_KEYS))
}

describe('draft Durable Object: the state in memory follows its storage', () => {
  it('answers each load with the state just written, the same as storage holds', async () => {
    const key = 'web:dev:cache-follows'
    const stub = storeOf(key)
    const begun = await stub.apply({ type: 'start', lang: 'nl' })
    expect((await stub.load())?.version).toBe(begun.state.version)
    const answered = await stub.apply(START)
    expect(answered.state.stepId).toBe('referrer')
    const loaded = await stub.load()
    expect(loaded?.stepId).toBe('referrer')
    expect(loaded?.version).toBe(answered.state.version)
    expect((await stored(key))?.version).toBe(answered.state.version)
  })

  it('forgets the draft on reset, on cancel and on expiry: no stale answers come back', async () => {
    const key = 'web:dev:cache-forgets'
    const stub = storeOf(key)
    await stub.apply({ type: 'start', lang: 'nl' })
    await stub.apply(START)
    await stub.reset()
    expect(await stub.load()).toBeNull()
    expect(await stored(key)).toBeNull()

    await stub.apply({ type: 'start', lang: 'nl' })
    await stub.apply({ type: 'cancel' })
    expect(await stub.load()).toBeNull()
    expect(await stored(key)).toBeNull()

    await stub.apply({ type: 'start', lang: 'nl' })
    expect(await stub.expire('2026-12-01T00:00:00.000Z')).toBe(true)
    expect(await stub.load()).toBeNull()
    // A new draft after expiry starts at version 0, not from the forgotten one.
    const fresh = await stub.apply({ type: 'start', lang: 'en' })
    expect(fresh.state.version).toBe(0)
    expect((await stub.load())?.lang).toBe('en')
  })

  it('reads storage when a new instance starts (nothing in memory yet)', async () => {
    const key = 'web:dev:cache-cold'
    const stub = storeOf(key)
    await stub.apply({ type: 'start', lang: 'en' })
    await stub.apply(START)
    // A fresh instance over the same storage: the object's memory is empty, storage answers.
    await runInDurableObject(objectOf(key), (instance) => {
      ;(instance as unknown as { current: unknown }).current = undefined
    })
    const loaded = await stub.load()
    expect(loaded?.stepId).toBe('referrer')
    expect(loaded?.lang).toBe('en')
  })
})

describe('draft Durable Object: the draft has its own data key (issue 14)', () => {
  it('encrypts under a key wrapped in D1; after erasure a copy of the storage opens with no key', async () => {
    const key = 'web:dev:own-data-key'
    const stub = storeOf(key)
    await stub.apply({ type: 'start', lang: 'nl' })
    await stub.apply(START)
    const copy = await runInDurableObject(objectOf(key), (_instance, state) =>
      state.storage.get<{ key: string; blob: string }>('draft'),
    )
    expect(copy?.blob).toMatch(/^v2\.draft\./)
    const row = await env.DB.prepare('SELECT key_enc FROM draft_keys WHERE key = ?1')
      .bind(key)
      .first<{ key_enc: string }>()
    expect(row?.key_enc).toMatch(/^v1\.k1\./)
    const master = buildAesGcmCipher(env.ENCRYPTION_KEYS)
    // Before erasure: the copy decrypts through the wrapped data key — but not with the master key alone.
    expect((await decryptDraftBlob<DraftState>(key, copy!.blob, master)).stepId).toBe('referrer')
    await expect(master.decryptJson(copy!.blob, key)).rejects.toThrow()

    await stub.reset()
    expect(
      await env.DB.prepare('SELECT COUNT(*) AS n FROM draft_keys WHERE key = ?1')
        .bind(key)
        .first<{ n: number }>(),
    ).toEqual({ n: 0 })
    // After erasure: the copy (a point-in-time backup of the object's storage) opens with nothing.
    await expect(decryptDraftBlob(key, copy!.blob, master)).rejects.toThrow(/no data key/)
    await expect(master.decryptJson(copy!.blob, key)).rejects.toThrow()
    // Restoring the copy into the object does not bring the draft back either.
    await runInDurableObject(objectOf(key), (_instance, state) => state.storage.put('draft', copy))
    const fresh = buildDurableDraftStore(env.DRAFTS)
    await expect(fresh.load(key)).rejects.toThrow()
  })
})

describe('draft Durable Object: applyIf (one call for the check and the event)', () => {
  it('refuses without a draft and starts none; applies with one, after the same guard', async () => {
    const key = 'web:dev:guarded'
    const store = buildDurableDraftStore(env.DRAFTS)
    expect(await store.applyIf(key, START, AT, { existing: true })).toEqual({ applied: false, state: null })
    expect(await stored(key)).toBeNull()
    const begun = await store.apply(key, { type: 'start', lang: 'nl' }, AT)
    const stale = await store.applyIf(key, START, AT, { version: begun.state.version + 5 })
    expect(stale.applied).toBe(false)
    expect((await stored(key))?.version).toBe(begun.state.version)
    const out = await store.applyIf(key, START, AT, { existing: true, version: begun.state.version })
    if (!out.applied) throw new Error('refused')
    expect(out.before).toEqual({ phase: 'step', stepId: 'start', lang: 'nl' })
    expect((await stored(key))?.stepId).toBe('referrer')
    expect((await store.load(key))?.version).toBe(out.result.state.version)
  })
})
