import { describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { MemoryCaseStore } from '../../adapters/memory/memory-case-store'
import { MemoryLinkStore } from '../../adapters/memory/memory-link-store'
import { MemoryQueue } from '../../adapters/memory/memory-queue'
import { loadConfig } from '../../src/config'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor, Role } from '../../src/domain/types'
import { runCaseCommand, runSubmitIntake } from '../../src/services/cases'
import type { Deps } from '../../src/services/deps'
import { checkFollowUp, runFollowUpAnswer } from '../../src/services/follow-up'
import { listMonitoringCases } from '../../src/services/monitoring'
import { loadSample } from '../fixtures/samples'

/** The follow-up use case of the chat surfaces (issue 15 §1) and the decline category (§3), on memory stores. */

const KEYS = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
const actor = (userId: string, roles: Role[]): Actor => ({
  surface: 'teams',
  tenant: 'tenant-1',
  userId,
  name: 'Naam',
  roles,
  lang: 'nl',
})
const referrer = actor('ref-1', ['referrer'])
const stranger = actor('ref-2', ['referrer'])
const chair = actor('chair-1', ['chair'])

async function setup() {
  const store = new MemoryCaseStore()
  const deps: Deps = {
    store,
    queue: new MemoryQueue(),
    cipher: buildAesGcmCipher(KEYS),
    clock: () => new Date('2026-12-07T09:00:00Z'),
    config: loadConfig({ ENCRYPTION_KEYS: KEYS }),
    links: new MemoryLinkStore(),
  }
  const parsed = parseIntake(loadSample('ro3').intake)
  if (!parsed.ok) throw new Error('sample invalid')
  const filed = await runSubmitIntake(deps, {
    intake: parsed.value,
    decision: route(parsed.value, DEFAULT_RULES, deps.clock()),
    actor: referrer,
    idempotencyKey: 'k',
  })
  return { deps, store, reference: filed.reference }
}

async function advise(deps: Deps, reference: string) {
  for (const command of [
    { type: 'accept', intervention: 'RO3', reason: null },
    { type: 'schedule', at: '2026-12-01T10:00:00Z', note: null },
    { type: 'recordOutcome', advice: 'Advies.' },
  ] as const) {
    const done = await runCaseCommand(deps, { reference, actor: chair, command })
    if (!done.ok) throw new Error(done.error.code)
  }
}

const answers = {
  adviceFollowed: 'yes',
  careStarted: 'yes',
  careStartedAt: '2026-12-03',
  goalsReached: '',
  stoppedEarly: 'no',
  usefulness: '5',
  note: 'Loopt goed.',
}

describe('runFollowUpAnswer', () => {
  it('is closed before the advice, open after it, refused for anyone but the referrer (audited)', async () => {
    const { deps, store, reference } = await setup()
    expect(await checkFollowUp(deps, { reference, actor: referrer })).toBe('closed')
    expect(await runFollowUpAnswer(deps, { reference, actor: referrer, raw: answers })).toEqual({
      ok: false,
      code: 'closed',
    })
    await advise(deps, reference)
    expect(await checkFollowUp(deps, { reference, actor: referrer })).toBe('open')
    expect(await checkFollowUp(deps, { reference, actor: stranger, requestId: 'req-1' })).toBe('refused')
    expect(await runFollowUpAnswer(deps, { reference, actor: chair, raw: answers })).toEqual({
      ok: false,
      code: 'refused',
    })
    const refused = (await store.listAudit({ reference })).filter((a) => a.action === 'refused')
    expect(refused.map((a) => [a.actorKey, a.detail, a.requestId])).toEqual([
      ['teams:tenant-1:ref-2', 'answerFollowUp', 'req-1'],
      ['teams:tenant-1:chair-1', 'answerFollowUp', null],
    ])
    expect(
      await runFollowUpAnswer(deps, { reference: 'RET-2026-9999', actor: referrer, raw: answers }),
    ).toEqual({
      ok: false,
      code: 'closed',
    })
  })

  it('returns field errors without storing, then stores once; a repeat is closed', async () => {
    const { deps, store, reference } = await setup()
    await advise(deps, reference)
    const future = await runFollowUpAnswer(deps, {
      reference,
      actor: referrer,
      raw: { ...answers, careStartedAt: '2026-12-08' },
    })
    expect(future).toMatchObject({ ok: false, code: 'invalid', values: { careStartedAt: '2026-12-08' } })
    // A note the lifecycle refuses (a control character) comes back under the note.
    const bad = await runFollowUpAnswer(deps, {
      reference,
      actor: referrer,
      raw: { ...answers, note: 'a\u0007b' },
    })
    expect(bad).toMatchObject({ ok: false, code: 'invalid', errors: { note: { nl: expect.any(String) } } })
    const before = (await store.getByReference(reference))!.version
    expect(await runFollowUpAnswer(deps, { reference, actor: referrer, raw: answers })).toEqual({
      ok: true,
      reference,
    })
    const after = (await store.getByReference(reference))!
    expect(after.version).toBe(before + 1)
    expect(after.followUp).toMatchObject({ careStarted: true, careStartedAt: '2026-12-03', usefulness: 5 })
    expect(await runFollowUpAnswer(deps, { reference, actor: referrer, raw: answers })).toEqual({
      ok: false,
      code: 'closed',
    })
    expect((await store.getByReference(reference))!.version).toBe(after.version)
  })
})

describe('decline category', () => {
  it('is stored on the case and read by monitoring; reopening clears it', async () => {
    const { deps, store, reference } = await setup()
    const declined = await runCaseCommand(deps, {
      reference,
      actor: chair,
      command: { type: 'decline', reason: 'Geen RET-vraag.', destination: 'huisarts' },
    })
    expect(declined.ok).toBe(true)
    expect((await store.getByReference(reference))?.declinedTo).toBe('huisarts')
    expect((await listMonitoringCases(deps)).find((c) => c.reference === reference)?.declinedTo).toBe(
      'huisarts',
    )
    await runCaseCommand(deps, {
      reference,
      actor: chair,
      command: { type: 'reopen', reason: 'Nieuwe feiten.' },
    })
    expect((await listMonitoringCases(deps)).find((c) => c.reference === reference)?.declinedTo).toBeNull()
  })
})
