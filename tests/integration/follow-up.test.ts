import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { amsterdamDate } from '../../src/domain/calendar'
import { listMonitoringCases } from '../../src/services/monitoring'
import { buildDeps } from '../../src/wiring'
import { Browser, DAY, fileCase, statusOf } from './helpers/console'

/** The day care started: before the answer (a later date is refused). */
const STARTED = amsterdamDate(Date.now() - 2 * DAY)

/**
 * The follow-up after the advice on the web (issue 15 §1): the referrer answers the follow-up questions
 * on the case page, the answers land on the case (plain enums for monitoring, the note encrypted in the
 * timeline), the chair sees them in the timeline and can close the case, and monitoring counts them.
 */
describe('follow-up answers on the web case page', () => {
  it("takes the referrer's answers, shows them to the chair and feeds monitoring", async () => {
    const reference = await fileCase('follow-ref', { sample: 'ro3', daysAgo: 40 })
    const chair = await new Browser().login('Chair One', 'chair')
    const referrer = await new Browser().login('Follow Ref')
    const act = async (fields: Record<string, string>, who = chair) => {
      await who.get(`/cases/${reference}`)
      await who.post(`/cases/${reference}`, { version: who.version(), ...fields })
    }
    await act({ command: 'accept', intervention: 'RO3', reason: '' })
    await act({ command: 'schedule', date: '2026-12-08', time: '14:30' })
    await act({ command: 'recordOutcome', advice: 'Start RO3 met school en jeugdarts.' })
    expect((await statusOf(reference)).status).toBe('advised')

    // Only the referrer is offered the follow-up questions.
    await chair.get(`/cases/${reference}`)
    expect(chair.html).not.toContain('name="command" value="answerFollowUp"')
    await referrer.get(`/cases/${reference}`)
    expect(referrer.html).toContain('name="command" value="answerFollowUp"')
    expect(referrer.html).toContain('Nazorgvragen beantwoorden')

    const answers = {
      command: 'answerFollowUp',
      adviceFollowed: 'partly',
      careStarted: 'yes',
      careStartedAt: '',
      goalsReached: 'yes',
      stoppedEarly: 'no',
      usefulness: '5',
      note: 'Jesse gaat weer elke dag naar school.',
    }
    // Care started without a date: a field error, nothing stored.
    await act(answers, referrer)
    expect(referrer.status).toBe(422)
    expect(referrer.html).toContain('Vul de datum in waarop de zorg startte.')
    // A start of care after today: refused with the same message as on Teams and Slack.
    await act({ ...answers, careStartedAt: amsterdamDate(Date.now() + 3 * DAY) }, referrer)
    expect(referrer.status).toBe(422)
    expect(referrer.html).toContain('De startdatum ligt in de toekomst.')
    await act({ ...answers, careStartedAt: STARTED }, referrer)
    expect(referrer.status).toBe(200)

    const row = await env.DB.prepare(
      'SELECT id, follow_up_json, follow_up_done_at, status FROM cases WHERE reference = ?',
    )
      .bind(reference)
      .first<{ id: string; follow_up_json: string; follow_up_done_at: string | null; status: string }>()
    expect(row!.status).toBe('advised')
    expect(row!.follow_up_done_at).not.toBeNull()
    expect(JSON.parse(row!.follow_up_json)).toMatchObject({
      adviceFollowed: 'partly',
      careStarted: true,
      careStartedAt: STARTED,
      goalsReached: 'yes',
      stoppedEarly: false,
      usefulness: 5,
    })
    // The note is personal: only encrypted, in the timeline.
    expect(row!.follow_up_json).not.toContain('school')
    const { results } = await env.DB.prepare(
      'SELECT type, data_enc FROM case_events WHERE case_id = ? ORDER BY seq',
    )
      .bind(row!.id)
      .all<{ type: string; data_enc: string | null }>()
    const event = results.find((e) => e.type === 'answerFollowUp')
    expect(event?.data_enc).toBeTruthy()
    expect(event?.data_enc).not.toContain('school')

    // The chair sees the answers in the timeline, and may close the case.
    await chair.get(`/cases/${reference}`)
    for (const text of [
      'Nazorgvragen beantwoorden',
      'Jesse gaat weer elke dag naar school.',
      '5 – heel nuttig',
      'Deels',
    ]) {
      expect(chair.html).toContain(text)
    }
    await act({ command: 'close', reason: '' })
    expect((await statusOf(reference)).status).toBe('closed')

    // A second answer is refused.
    await referrer.get(`/cases/${reference}`)
    expect(referrer.html).not.toContain('name="command" value="answerFollowUp"')

    // Monitoring reads the answers and the start of care.
    const cases = await listMonitoringCases(buildDeps(env))
    const mine = cases.find((c) => c.reference === reference)
    expect(mine?.followUp).toMatchObject({ usefulness: 5, careStartedAt: STARTED })
    expect(mine?.careStartedAt).toBe(STARTED)
    expect(mine?.pseudonym).toBeNull()
  }, 30_000)
})
