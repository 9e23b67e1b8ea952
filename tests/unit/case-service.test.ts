import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { MemoryCaseStore } from '../../adapters/memory/memory-case-store'
import { MemoryLinkStore } from '../../adapters/memory/memory-link-store'
import { MemoryQueue } from '../../adapters/memory/memory-queue'
import { loadConfig } from '../../src/config'
import { type Intake, parseIntake } from '../../src/domain/intake'
import { actorKey } from '../../src/domain/lifecycle'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { CaseSummarySchema } from '../../src/domain/stalled'
import type { Actor, Role } from '../../src/domain/types'
import { logSink } from '../../src/logger'
import {
  ConsentRequiredError,
  getCase,
  IdempotencyMismatchError,
  listCaseSummaries,
  listMyCases,
  runCaseCommand,
  runSubmitIntake,
} from '../../src/services/cases'
import type { Deps } from '../../src/services/deps'
import { loadSample } from '../fixtures/samples'

// Capture every log line: the service logs, and no line may carry personal data.
const logLines: string[] = []
const originalWrite = logSink.write
beforeAll(() => {
  logSink.write = (line) => void logLines.push(line)
})
afterAll(() => {
  logSink.write = originalWrite
  const all = logLines.join('\n')
  for (const secret of ['L.', 'M. Bakker', 'example.nl', 'Zie bijlage', 'verklarende']) {
    expect(all).not.toContain(secret)
  }
})

const KEYS = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='

function actor(userId: string, roles: Role[], surface: Actor['surface'] = 'teams'): Actor {
  return { surface, tenant: 'tenant-1', userId, name: 'Naam', roles, lang: 'nl' }
}
const referrer = actor('ref-1', ['referrer'])
const otherReferrer = actor('ref-2', ['referrer'])
const chair = actor('chair-1', ['chair'], 'slack')
const admin = actor('admin-1', ['admin'], 'web')
const coordinator = actor('coord-1', ['coordinator'], 'web')

function setup(now = '2026-11-23T09:00:00.000Z') {
  const store = new MemoryCaseStore()
  const queue = new MemoryQueue()
  let time = new Date(now)
  const deps: Deps = {
    store,
    queue,
    cipher: buildAesGcmCipher(KEYS),
    clock: () => time,
    config: loadConfig({ ENCRYPTION_KEYS: KEYS }),
    links: new MemoryLinkStore(),
  }
  return { deps, store, queue, setNow: (iso: string) => (time = new Date(iso)) }
}

function intakeOf(name: string): Intake {
  const parsed = parseIntake(loadSample(name).intake)
  if (!parsed.ok) throw new Error(`sample ${name} invalid`)
  return parsed.value
}

async function submit(deps: Deps, intake: Intake, key: string, who: Actor = referrer) {
  return runSubmitIntake(deps, {
    intake,
    decision: route(intake, DEFAULT_RULES, deps.clock()),
    actor: who,
    idempotencyKey: key,
  })
}

describe('runSubmitIntake', () => {
  it('files a case with a new reference, encrypted intake, first event and a job', async () => {
    const { deps, store, queue } = setup()
    const intake = intakeOf('rop')
    const result = await submit(deps, intake, 'draft-1')
    expect(result).toMatchObject({ reference: 'RET-2026-0001', created: true, status: 'submitted' })
    expect(result.response).toMatchObject({ reference: 'RET-2026-0001', status: 'submitted' })

    const record = await store.getByReference('RET-2026-0001')
    expect(record).toMatchObject({
      status: 'submitted',
      suggestedIntervention: 'ROP',
      municipality: 'Emmen',
      ageBand: '12-15',
      referrerKey: 'teams:tenant-1:ref-1',
      version: 1,
    })
    const stored = JSON.stringify([...store.cases.values(), store.events, store.idempotency.values()])
    for (const secret of [intake.referrer.name, intake.referrer.email, intake.question, intake.perspective]) {
      expect(stored).not.toContain(secret)
    }
    expect(stored).not.toContain('"L."')
    expect(await store.listEvents(record?.id ?? '')).toMatchObject([
      { seq: 1, type: 'submitted', from: null, to: 'submitted' },
    ])
    expect(queue.sent.map((s) => s.job)).toEqual([
      { type: 'case.submitted', id: 'case.submitted:RET-2026-0001', reference: 'RET-2026-0001' },
    ])
    expect(store.auditLog).toMatchObject([{ action: 'create', reference: 'RET-2026-0001' }])
  })

  it('is idempotent: the same key returns the same reference and writes nothing new', async () => {
    const { deps, store } = setup()
    const intake = intakeOf('rop')
    const first = await submit(deps, intake, 'draft-1')
    const again = await submit(deps, structuredClone(intake), 'draft-1')
    expect(again).toEqual({ ...first, created: false })
    expect(store.cases.size).toBe(1)
    expect(store.events).toHaveLength(1)
    const [a, b] = await Promise.all([submit(deps, intake, 'draft-2'), submit(deps, intake, 'draft-2')])
    expect(a.reference).toBe(b.reference)
    expect(store.cases.size).toBe(2)
  })

  it('refuses the same key for a different intake', async () => {
    const { deps } = setup()
    const intake = intakeOf('rop')
    await submit(deps, intake, 'draft-1')
    const changed = { ...intake, question: 'Een andere vraag.' }
    await expect(submit(deps, changed, 'draft-1')).rejects.toBeInstanceOf(IdempotencyMismatchError)
  })

  it('keeps keys apart per surface and tenant', async () => {
    const { deps, store } = setup()
    const intake = intakeOf('rop')
    await submit(deps, intake, 'k')
    await submit(deps, intake, 'k', actor('ref-1', ['referrer'], 'web'))
    expect(store.cases.size).toBe(2)
  })

  it('counts references per Amsterdam year and never reuses them', async () => {
    const { deps, setNow } = setup('2026-12-31T22:00:00.000Z')
    const intake = intakeOf('rop')
    expect((await submit(deps, intake, 'a')).reference).toBe('RET-2026-0001')
    setNow('2026-12-31T23:30:00.000Z') // 00:30 on 1 January in Amsterdam
    expect((await submit(deps, intake, 'b')).reference).toBe('RET-2027-0001')
    expect((await submit(deps, intake, 'c')).reference).toBe('RET-2027-0002')
  })

  it('grows to five digits after 9999', async () => {
    const { deps, store } = setup()
    store.counters.set(2026, 9999)
    expect((await submit(deps, intakeOf('rop'), 'x')).reference).toBe('RET-2026-10000')
  })

  it('stores no pseudonym for an anonymous consultation', async () => {
    const { deps, store } = setup()
    const result = await submit(deps, intakeOf('consultation'), 'c1')
    const record = await store.getByReference(result.reference)
    expect(record?.pseudonymEnc).toBeNull()
    expect(record?.consultation).toBe(true)
    expect(record?.suggestedIntervention).toBe('EXPERTTAFEL')
  })

  it('refuses identifying data without consent (G3) unless it is a consultation', async () => {
    const { deps, store } = setup()
    const intake = intakeOf('rop')
    const noConsent: Intake = {
      ...intake,
      legal: {
        framework: 'vrijwillig',
        authority: 'beide_ouders',
        consent: { child: false, parents: false, date: null, scope: null },
      },
    }
    await expect(submit(deps, noConsent, 'n1')).rejects.toBeInstanceOf(ConsentRequiredError)
    expect(store.cases.size).toBe(0)
  })
})

describe('runCaseCommand', () => {
  async function filed() {
    const ctx = setup()
    const { reference } = await submit(ctx.deps, intakeOf('rop'), 'draft-1')
    ctx.queue.sent.length = 0
    return { ...ctx, reference }
  }

  it('applies a command, appends the event and enqueues case.changed', async () => {
    const { deps, store, queue, reference } = await filed()
    const result = await runCaseCommand(deps, { reference, command: { type: 'startTriage' }, actor: chair })
    expect(result).toMatchObject({ ok: true, state: { status: 'in_triage', version: 2 } })
    const record = await store.getByReference(reference)
    expect(record?.status).toBe('in_triage')
    expect((await store.listEvents(record?.id ?? '')).map((e) => [e.seq, e.type])).toEqual([
      [1, 'submitted'],
      [2, 'startTriage'],
    ])
    expect(queue.sent.map((s) => s.job.id)).toEqual([`case.changed:${reference}:2`])
    expect(store.auditLog.at(-1)).toMatchObject({ action: 'change', detail: 'startTriage' })
  })

  it('returns a conflict with the current state for a stale version', async () => {
    const { deps, store, reference } = await filed()
    await runCaseCommand(deps, { reference, command: { type: 'startTriage' }, actor: chair })
    const stale = await runCaseCommand(deps, {
      reference,
      command: { type: 'decline', reason: 'Geen RET-vraag', alternative: 'Lokaal team' },
      actor: chair,
      expectedVersion: 1,
    })
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
      current: { status: 'in_triage', version: 2 },
    })
    expect((await store.getByReference(reference))?.status).toBe('in_triage')
  })

  it('lets only one of two concurrent changes win', async () => {
    const { deps, store, reference } = await filed()
    const results = await Promise.all([
      runCaseCommand(deps, {
        reference,
        command: { type: 'accept', intervention: 'ROP', reason: null },
        actor: chair,
        expectedVersion: 1,
      }),
      runCaseCommand(deps, {
        reference,
        command: { type: 'decline', reason: 'Geen RET-vraag', alternative: 'Lokaal team' },
        actor: actor('chair-2', ['chair'], 'slack'),
        expectedVersion: 1,
      }),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok && r.error.code === 'conflict')).toHaveLength(1)
    const record = await store.getByReference(reference)
    expect(await store.listEvents(record?.id ?? '')).toHaveLength(2)
  })

  it('stores the why encrypted and shows it decrypted in the timeline', async () => {
    const { deps, store, reference } = await filed()
    const question = 'Kunt u de gedeelde verklarende analyse sturen?'
    await runCaseCommand(deps, {
      reference,
      command: { type: 'requestInfo', items: ['analysis'], question },
      actor: chair,
    })
    expect(JSON.stringify(store.events)).not.toContain('verklarende')
    const answered = await runCaseCommand(deps, {
      reference,
      command: { type: 'provideInfo', answer: 'Zie bijlage.' },
      actor: referrer,
    })
    expect(answered).toMatchObject({ ok: true, state: { status: 'in_triage' } })
    const view = await getCase(deps, reference, chair)
    expect(view.ok && view.case.timeline.map((e) => e.data)).toEqual([
      null,
      { items: ['analysis'], question },
      { answer: 'Zie bijlage.' },
    ])
  })

  it('refuses and audits a command by someone without a permit', async () => {
    const { deps, store, reference } = await filed()
    const result = await runCaseCommand(deps, {
      reference,
      command: { type: 'withdraw', reason: null },
      actor: otherReferrer,
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'not_allowed' } })
    expect(store.auditLog.at(-1)).toMatchObject({ action: 'refused', actorKey: actorKey(otherReferrer) })
  })

  it('answers not_found for an unknown reference', async () => {
    const { deps } = setup()
    const result = await runCaseCommand(deps, {
      reference: 'RET-2026-9999',
      command: { type: 'startTriage' },
      actor: chair,
    })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'not_found', nl: expect.stringContaining('RET-2026-9999') },
    })
  })
})

describe('getCase and lists', () => {
  it('shows the full case to its referrer, chairs and admins, audits every view and refusal', async () => {
    const { deps, store } = setup()
    const intake = intakeOf('rop')
    const { reference } = await submit(deps, intake, 'd1')
    for (const who of [referrer, chair, admin]) {
      const view = await getCase(deps, reference, who, { requestId: 'req-1' })
      expect(view.ok).toBe(true)
      if (view.ok) {
        expect(view.case.intake).toEqual(intake)
        expect(view.case.pseudonym).toBe('L.')
        expect(view.case.routing?.primary).toBe('ROP')
      }
    }
    for (const who of [otherReferrer, coordinator]) {
      expect(await getCase(deps, reference, who)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
    expect(store.auditLog.filter((a) => a.reference === reference).map((a) => a.action)).toEqual([
      'create',
      'view',
      'view',
      'view',
      'refused',
      'refused',
    ])
    expect(store.auditLog[1]).toMatchObject({ requestId: 'req-1', actorKey: 'teams:tenant-1:ref-1' })
  })

  it('lists the referrer’s own cases with pseudonyms', async () => {
    const { deps, setNow } = setup()
    await submit(deps, intakeOf('rop'), 'a')
    setNow('2026-11-23T10:00:00.000Z')
    await submit(deps, intakeOf('mda'), 'b')
    await submit(deps, intakeOf('rst'), 'c', otherReferrer)
    const mine = await listMyCases(deps, referrer)
    expect(mine.map((c) => c.reference)).toEqual(['RET-2026-0002', 'RET-2026-0001'])
    expect(mine[1]?.pseudonym).toBe('L.')
  })

  it('gives digest summaries that the digest accepts', async () => {
    const { deps } = setup()
    const { reference } = await submit(deps, intakeOf('rop'), 'a')
    await submit(deps, intakeOf('consultation'), 'b')
    await runCaseCommand(deps, {
      reference,
      command: { type: 'accept', intervention: 'RST', reason: 'Expertise nodig.' },
      actor: chair,
    })
    const summaries = await listCaseSummaries(deps)
    expect(summaries.map((s) => CaseSummarySchema.safeParse(s).success)).toEqual([true, true])
    expect(summaries[0]).toMatchObject({
      reference,
      status: 'accepted',
      intervention: 'RST',
      pseudonym: 'L.',
    })
    expect(summaries[1]?.pseudonym).toBeNull()
  })
})
