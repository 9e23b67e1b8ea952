import { env } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Intake } from '../../src/domain/intake'
import { intakeAad } from '../../src/ports/cipher'
import { buildDeps } from '../../src/wiring'
import {
  initialFor,
  markerOf,
  percentile,
  runTeamsDialogue,
  runWebDialogue,
  type StepTimes,
} from './helpers/dialogues'
import { buildPlatformServer } from './helpers/platforms'
import { botSigner, TeamsUser } from './teams-helpers'
import { WebClient } from './web-client'

/**
 * N intake dialogues at once on the web and Teams surfaces (half each), inside workerd with real D1 and
 * Durable Objects: all complete, each makes exactly one case, and each case holds its own dialogue's
 * answers (a marker per dialogue in the referrer's name, the pseudonym and the question) under its own
 * referrer — no answer lands in another dialogue. `LOAD_DIALOGUES=200` for the full size (default 30).
 */

const N = Number(process.env.LOAD_DIALOGUES || 30)

const server = buildPlatformServer()
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' })
  // One signing key before the dialogues start: concurrent first calls would each make their own.
  await botSigner()
})
afterAll(() => server.close())

describe(`load: ${N} concurrent intake dialogues (web and Teams)`, () => {
  it('all complete, one case each, no cross-talk', { timeout: 600_000 }, async () => {
    const times: StepTimes = []
    const dialogues = Array.from({ length: N }, (_, i) =>
      i % 2 === 0
        ? {
            i,
            surface: 'web' as const,
            key: `web:dev:load-web-${i}`,
            run: () => runWebDialogue(new WebClient(), i, times),
          }
        : (() => {
            const user = new TeamsUser(`aad-load-${i}`)
            return {
              i,
              surface: 'teams' as const,
              key: user.key,
              run: () => runTeamsDialogue(user, i, times),
            }
          })(),
    )

    const settled = await Promise.allSettled(dialogues.map((d) => d.run()))
    const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${i}: ${String(s.reason)}`] : []))
    expect(failures, failures.slice(0, 3).join('\n')).toEqual([])
    const references = settled.map((s) => (s as PromiseFulfilledResult<string>).value)
    expect(new Set(references).size).toBe(N)

    // Exactly one case per dialogue, under its own referrer, with its own answers.
    const deps = buildDeps(env)
    const { results } = await env.DB.prepare(
      "SELECT reference, referrer_key FROM cases WHERE referrer_key LIKE 'web:dev:load-web-%' OR referrer_key LIKE 'teams:%:aad-load-%'",
    ).all<{ reference: string; referrer_key: string }>()
    expect(results).toHaveLength(N)
    for (const d of dialogues) {
      const own = results.filter((r) => r.referrer_key === d.key)
      expect(own, `${d.surface} dialogue ${d.i}`).toHaveLength(1)
      expect(own[0]?.reference).toBe(references[d.i])
      const record = await deps.store.getByReference(own[0]!.reference)
      const intake = await deps.cipher.decryptJson<Intake>(record!.intakeEnc, intakeAad(record!.id))
      expect(markerOf(intake.question), `case of dialogue ${d.i}`).toBe(d.i)
      expect(intake.referrer.name).toBe(`Verwijzer Nummer ${d.i}`)
      expect(intake.child.pseudonym).toBe(initialFor(d.i))
    }

    const p99 = percentile(times, 99)
    console.info(
      `load: ${N} dialogues, ${times.length} steps, step p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (workerd test pool; the budget is measured by npm run bench)`,
    )
    expect(times.length).toBeGreaterThanOrEqual(N * 10)
  })
})
