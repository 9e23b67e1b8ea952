import { describe, expect, it } from 'vitest'
import { buildSlackDigestMessage } from '../../adapters/slack/notices'
import { AdaptiveCardSchema, type CardElement } from '../../adapters/teams/card-schema'
import { buildTeamsDigestCard, type TeamsChartElement } from '../../adapters/teams/notices'
import { buildDigest } from '../../src/domain/digest'
import { buildTextBar, CHAT_LIST_LIMIT } from '../../src/domain/digest-lines'
import type { CaseSummary } from '../../src/domain/stalled'
import { buildDigestRecipients, parseDigestRecipient } from '../../src/services/digest-recipients'

/** The pure digest builders for Teams and Slack, and the recipient configuration. */

const NOW = new Date('2026-11-23T07:00:00Z')

function summary(n: number, overrides: Partial<CaseSummary> = {}): CaseSummary {
  return {
    reference: `RET-2026-${String(n).padStart(4, '0')}`,
    status: 'in_triage',
    statusSince: '2026-11-02T09:00:00+01:00',
    submittedAt: '2026-11-02T09:00:00+01:00',
    triagedAt: null,
    scheduledFor: null,
    advisedAt: null,
    followUpDoneAt: null,
    intervention: 'ROP',
    municipality: 'Assen',
    pseudonym: 'Q.',
    owner: null,
    ...overrides,
  }
}

describe('digest recipients', () => {
  it('reads Teams users, Slack users and Slack channels, and rejects anything else', () => {
    expect(parseDigestRecipient('teams:tenant-1:aad-1')).toEqual({
      kind: 'teams',
      key: 'teams:tenant-1:aad-1',
      tenant: 'tenant-1',
      user: 'aad-1',
    })
    expect(parseDigestRecipient('slack:T0TEAM:U0USER')?.kind).toBe('slack')
    expect(parseDigestRecipient('slack-channel:C0CHAN')?.kind).toBe('slack-channel')
    for (const bad of ['web:dev:coordinator', 'slack:t0:u0', 'slack-channel:', 'teams:a:b:c', 'mail:x@y']) {
      expect(parseDigestRecipient(bad)).toBeNull()
    }
  })

  it('uses DIGEST_RECIPIENTS when set, otherwise the chat keys among the coordinators; each once', () => {
    const explicit = buildDigestRecipients({
      DIGEST_RECIPIENTS: ['slack-channel:C0CHAN', 'slack-channel:C0CHAN', 'nonsense'],
      COORDINATORS: ['teams:t:a'],
    })
    expect(explicit.recipients.map((r) => r.key)).toEqual(['slack-channel:C0CHAN'])
    expect(explicit.invalid).toEqual(['nonsense'])
    const fallback = buildDigestRecipients({
      DIGEST_RECIPIENTS: [],
      COORDINATORS: ['web:dev:coordinator', 'teams:t:a', 'slack:T0TEAM:U0USER'],
    })
    expect(fallback.recipients.map((r) => r.key)).toEqual(['teams:t:a', 'slack:T0TEAM:U0USER'])
  })
})

describe('digest chat messages', () => {
  const cases = [
    summary(1),
    summary(2, { intervention: 'MDA++', municipality: 'Emmen', pseudonym: 'Z.' }),
    summary(3, { status: 'accepted', owner: 'slack:T0TEAM:U0LEAD', intervention: 'RO3' }),
    summary(4, { status: 'closed' }),
  ]
  const digest = buildDigest(cases, NOW)

  it('draws text bars in proportion, at least one block for a non-zero value', () => {
    expect(buildTextBar(0, 5)).toBe('')
    expect(buildTextBar(5, 5)).toHaveLength(12)
    expect(buildTextBar(1, 100)).toHaveLength(1)
  })

  it('builds a Teams card with a chart whose fallback is a valid Adaptive Card 1.5 element', () => {
    const card = buildTeamsDigestCard(digest, 'nl')
    const charts = card.body.filter((e): e is TeamsChartElement => e.type === 'Chart.HorizontalBar')
    expect(charts).toHaveLength(2)
    expect(charts[0]?.data).toEqual(
      expect.arrayContaining([
        { x: 'Regie op plaatsing', y: 1 },
        { x: 'MDA++', y: 1 },
        { x: 'Regie op 3', y: 1 },
      ]),
    )
    // What a client without charts renders: the card with each chart replaced by its fallback.
    const fallbackCard = {
      ...card,
      body: card.body.map((e): CardElement => (e.type === 'Chart.HorizontalBar' ? e.fallback : e)),
    }
    expect(AdaptiveCardSchema.safeParse(fallbackCard).success).toBe(true)
    const text = JSON.stringify(card)
    expect(text).toContain('RET-2026-0001 · Q.')
    expect(text).toContain('Casusregisseur (U0LEAD)')
    expect(text).not.toContain('RET-2026-0004')
  })

  it('leaves pseudonyms out of a channel post and keeps them in a direct message', () => {
    const dm = JSON.stringify(buildSlackDigestMessage(digest, 'nl', true).blocks)
    const channel = JSON.stringify(buildSlackDigestMessage(digest, 'en', false).blocks)
    expect(dm).toContain('Z.')
    expect(channel).not.toContain('Z.')
    expect(channel).toContain('RET-2026-0002')
    expect(channel).toContain('Stalled cases (3)')
  })

  it('lists at most CHAT_LIST_LIMIT cases in chat and points to the web page for the rest', () => {
    const many = buildDigest(
      Array.from({ length: CHAT_LIST_LIMIT + 5 }, (_, i) => summary(100 + i)),
      NOW,
    )
    // Slack: whole lines only, within the 3000 characters of a section; the rest is counted.
    const slack = buildSlackDigestMessage(many, 'nl', true)
    const section = (slack.blocks[2] as { text: { text: string } }).text.text
    expect(section.length).toBeLessThanOrEqual(3000)
    const listed = section.match(/RET-2026-01\d\d/g)?.length ?? 0
    expect(listed).toBeGreaterThan(5)
    expect(listed).toBeLessThanOrEqual(CHAT_LIST_LIMIT)
    expect(section).toContain(`En nog ${many.stalled.length - listed} vastgelopen casussen`)
    expect(section.split('\n').at(-2)).toMatch(/\(uiterlijk \d{4}-\d{2}-\d{2}\)$/)
    const card = buildTeamsDigestCard(many, 'en')
    expect(JSON.stringify(card)).toContain('And 5 more stalled cases')
  })
})
