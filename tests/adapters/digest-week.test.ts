import { describe, expect, it } from 'vitest'
import { buildSlackDigestMessage } from '../../adapters/slack/notices'
import { buildTeamsDigestCard } from '../../adapters/teams/notices'
import { renderDigestWeb } from '../../adapters/web/digest-page'
import type { PageContext } from '../../adapters/web/layout'
import { buildDigest } from '../../src/domain/digest'
import { buildDigestChartSvg } from '../../src/domain/digest-render'
import { caseSummary as summary } from '../fixtures/case-summary'

/** Monday 23 November 2026, 08:00 in Amsterdam (CET): a digest morning in week 48. */
const NOW = new Date('2026-11-23T08:00:00+01:00')

const ctx: PageContext = {
  lang: 'nl',
  csrf: 'csrf',
  nonce: 'nonce',
  devMode: true,
  user: { name: 'Coördinator', roles: ['coordinator'] },
  path: '/digest',
}

describe('digest: open cases and the new cases of the week (issue 15 §4)', () => {
  it.each([
    // now − 7 days is excluded, now is included; the Amsterdam instant counts, not the date.
    ['2026-11-16T08:00:00+01:00', 0],
    ['2026-11-16T08:00:01+01:00', 1],
    ['2026-11-22T23:59:00+01:00', 1],
    ['2026-11-23T08:00:00+01:00', 1],
    ['2026-11-23T08:00:01+01:00', 0],
  ])('a case submitted at %s is new this week: %i', (submittedAt, n) => {
    const d = buildDigest([summary({ status: 'closed', statusSince: submittedAt })], NOW)
    expect(d.newThisWeek.total).toBe(n)
    expect(d.newThisWeek.byIntervention.ROP).toBe(n)
    expect(d.newThisWeek.byMunicipality.Assen).toBe(n)
  })

  it('counts open cases per status and is quiet only without stalled and new cases', () => {
    const cases = [
      summary({ reference: 'RET-2026-0001', status: 'in_triage', statusSince: '2026-11-20T09:00:00+01:00' }),
      summary({
        reference: 'RET-2026-0002',
        status: 'scheduled',
        statusSince: '2026-11-02T09:00:00+01:00',
        scheduledFor: '2026-12-10',
      }),
      summary({
        reference: 'RET-2026-0003',
        status: 'advised',
        statusSince: '2026-11-10T09:00:00+01:00',
        advisedAt: '2026-11-10T09:00:00+01:00',
      }),
      summary({ reference: 'RET-2026-0004', status: 'closed', statusSince: '2026-11-02T09:00:00+01:00' }),
    ]
    const busy = buildDigest(cases, NOW)
    expect(busy.open.total).toBe(3)
    expect(busy.open.byStatus).toEqual({
      submitted: 0,
      in_triage: 1,
      info_requested: 0,
      accepted: 0,
      scheduled: 1,
      advised: 1,
    })
    expect(busy.newThisWeek.total).toBe(1)
    expect(busy.stalled).toEqual([])
    expect(busy.quiet).toBe(false)

    const quiet = buildDigest(cases.slice(1), NOW)
    expect(quiet.newThisWeek.total).toBe(0)
    expect(quiet.quiet).toBe(true)
    const stalledOnly = buildDigest(
      [summary({ status: 'in_triage', statusSince: '2026-11-02T09:00:00+01:00' })],
      NOW,
    )
    expect(stalledOnly.quiet).toBe(false)
  })
})

describe('digest surfaces', () => {
  const quietCases = [
    summary({
      status: 'scheduled',
      statusSince: '2026-11-02T09:00:00+01:00',
      scheduledFor: '2026-12-10',
    }),
  ]
  const busyCases = [
    summary({ reference: 'RET-2026-0001', status: 'in_triage', statusSince: '2026-11-02T09:00:00+01:00' }),
    summary({ reference: 'RET-2026-0002', status: 'submitted', statusSince: '2026-11-20T09:00:00+01:00' }),
  ]

  it('says a quiet week in one sentence on Slack, Teams and the web, without tables of zeros', () => {
    const d = buildDigest(quietCases, NOW)
    expect(d.quiet).toBe(true)
    const slack = buildSlackDigestMessage(d, 'nl', true)
    const slackText = JSON.stringify(slack.blocks)
    expect(slackText).toContain(
      'Rustige week: geen nieuwe aanmeldingen en geen vastgelopen casussen; er lopen 1 casussen.',
    )
    expect(slackText).not.toContain('Doorlooptijden')
    expect(slackText).not.toContain('Vastgelopen casussen (0)')
    expect(slack.blocks.length).toBeLessThanOrEqual(4)

    const card = buildTeamsDigestCard(d, 'en')
    const cardText = JSON.stringify(card.body)
    expect(cardText).toContain('A quiet week: no new referrals and no stalled cases; 1 cases are open.')
    expect(cardText).not.toContain('Chart.HorizontalBar')
    expect(cardText).not.toContain('Lead times')

    const html = renderDigestWeb.page(ctx, d)
    expect(html).toContain('Rustige week')
    expect(html).not.toContain('id="chart-byIntervention"')
    expect(html).not.toContain('id="stalled"')
  })

  it('shows new and open cases beside the stalled list in a busy week', () => {
    const d = buildDigest(busyCases, NOW)
    expect(d.quiet).toBe(false)
    const slackText = JSON.stringify(buildSlackDigestMessage(d, 'nl', true).blocks)
    expect(slackText).toContain('Nieuw deze week: 1 · Lopend: 2')
    expect(slackText).toContain('Lopend per status: Ingediend 1, In triage 1')
    const cardText = JSON.stringify(buildTeamsDigestCard(d, 'en').body)
    expect(cardText).toContain('New this week: 1 · Open: 2')
    const html = renderDigestWeb.page(ctx, d)
    expect(html).toContain('Nieuw deze week: 1 · Lopend: 2')
    expect(html).toContain('id="chart-byIntervention"')
  })

  it('names interventions in full in the SVG chart, never by code alone', () => {
    const d = buildDigest(busyCases, NOW)
    const svg = buildDigestChartSvg(d.change, 'byIntervention', 'nl')
    const labels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1])
    expect(labels).toContain('Regie op plaatsing')
    expect(labels).toContain('Reizend Specialistisch Team')
    expect(labels).not.toContain('ROP')
    expect(labels).not.toContain('RST')
    // The label column is wide enough for the longest name.
    const x = Number(/<text x="(\d+)"[^>]*text-anchor="end"/.exec(svg)?.[1])
    expect(x).toBeGreaterThan('Reizend Specialistisch Team'.length * 6)
  })
})
