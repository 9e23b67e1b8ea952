import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { WEB_ANSWERS } from './web-answers'
import { WebClient } from './web-client'

/**
 * Issue 16 acceptance: the same Worker with `REGION=ijsselland` (the `ijsselland` project of
 * vitest.workers.config.ts) runs the IJsselland pack: its eleven municipalities, its one intervention under its
 * own name ("Expertconsultatie"), its copy.
 */

const REFERENCE = /RET-\d{4}-\d{4}/

/** The shared web answers, for a young person in Zwolle referred by the local team there. */
const ANSWERS: Record<string, Record<string, string | string[]>> = {
  ...WEB_ANSWERS,
  referrer: { ...WEB_ANSWERS.referrer, 'referrer.organisation': 'Sociaal wijkteam Zwolle' },
  child: { ...WEB_ANSWERS.child, 'child.municipality': 'Zwolle' },
}

async function answerUntil(b: WebClient, stopAt = 'review') {
  for (let i = 0; i < 20; i++) {
    const stepId = b.stepId()
    if (stepId === stopAt) return
    const answers = ANSWERS[stepId]
    if (!answers) throw new Error(`no answers for step ${stepId}`)
    await b.post('/intake', { _step: stepId, _action: 'next', ...answers })
    expect(b.status, `step ${stepId}: ${b.html.match(/error-summary[\s\S]*?<\/ul>/)?.[0]}`).toBe(200)
  }
  throw new Error('the intake did not reach the review')
}

async function count(sql: string, ...bind: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...bind)
    .first<{ n: number }>()
  return row?.n ?? 0
}

describe('IJsselland pack: the web intake', () => {
  it('offers the IJsselland municipalities, refuses Assen, files a Zwolle case routed to Expertconsultatie', async () => {
    expect(env.REGION).toBe('ijsselland')
    const b = new WebClient()
    await b.login('Sanne de Vries')
    await b.post('/intake/start', {})
    await answerUntil(b, 'child')

    // The choice list is the pack's: Zwolle and Deventer, no Drenthe municipality.
    expect(b.html).toContain('<option value="Zwolle"')
    expect(b.html).toContain('<option value="Deventer"')
    expect(b.html).not.toContain('<option value="Assen"')
    expect(b.html).not.toContain('<option value="Emmen"')

    // A Drenthe municipality posted anyway is refused with a clear message, the answers kept.
    await b.post('/intake', {
      _step: 'child',
      _action: 'next',
      ...ANSWERS.child,
      'child.municipality': 'Assen',
    })
    expect(b.status).toBe(422)
    expect(b.stepId()).toBe('child')
    expect(b.html).toContain('<a href="#f-child-municipality">')
    expect(b.html).toContain('Assen hoort niet bij de regio IJsselland')

    await b.post('/intake', { _step: 'child', _action: 'next', ...ANSWERS.child })
    expect(b.stepId()).toBe('legal')
    await answerUntil(b)
    // The review suggests the pack's one intervention, by the pack's name.
    expect(b.html).toContain('Voorgestelde interventie')
    expect(b.html).toContain('Expertconsultatie')
    expect(b.html).not.toContain('Reizend Specialistisch Team')
    expect(b.html).toContain('Zwolle')

    await b.post('/intake', { _step: 'review', _action: 'submit' })
    const reference = b.html.match(REFERENCE)?.[0]
    expect(reference, b.html.slice(0, 500)).toBeDefined()
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM cases WHERE reference = ? AND suggested_intervention = 'EXPERTTAFEL'",
        reference,
      ),
    ).toBe(1)
  })
})
