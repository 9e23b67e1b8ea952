import { describe, expect, it } from 'vitest'
import { buildNotifier, type NotifierDeps } from '../../adapters/notify/notifier'
import { SlackApiError } from '../../adapters/slack/web-api'
import { ConnectorError } from '../../adapters/teams/connector'
import type { ConversationRef } from '../../adapters/teams/store'
import { renderWebNotice } from '../../adapters/web/notices'
import {
  buildDeadLetterNotice,
  buildErasedNotice,
  buildQuestionNotice,
  buildReceiptNotice,
  buildReferrerReminderNotice,
} from '../../src/domain/notices'
import { DeliveryUnavailable } from '../../src/ports/notifier'

/** The Notifier with memory fakes for Slack, the Teams connector and the stores. */
function harness(options: { slackError?: Error; teamsError?: Error; channel?: string } = {}) {
  const slackPosts: { channel: string; message: { text: string; blocks?: unknown[] } }[] = []
  const teamsSent: { conversationId: string; activity: Record<string, unknown> }[] = []
  const teamsUpdated: { activityId: string; activity: Record<string, unknown> }[] = []
  const sent = new Map<string, { userKey: string; activityId: string | null }>()
  const conversations = new Map<string, ConversationRef>([
    [
      'teams:tenant-1:aad-1',
      {
        userKey: 'teams:tenant-1:aad-1',
        tenantId: 'tenant-1',
        userId: '29:u',
        botId: '28:b',
        conversationId: 'conv-1',
        serviceUrl: 'https://smba.example.test/',
        lang: 'en',
      },
    ],
  ])
  let activity = 0
  const deps: NotifierDeps = {
    config: { SLACK_TEAM_IDS: ['T0TEAM'] },
    clock: () => new Date('2026-11-23T10:00:00Z'),
    slack: {
      api: {
        async postMessage(channel, message) {
          if (options.slackError) throw options.slackError
          slackPosts.push({ channel, message })
        },
      },
      channel: options.channel ?? 'C0TRIAGE',
      channelLang: 'nl',
      langOf: async (user) => (user === 'U0EN' ? 'en' : 'nl'),
    },
    teams: {
      store: {
        getConversation: async (key) => conversations.get(key) ?? null,
        getSentCard: async (key) =>
          sent.has(key) ? { activityId: sent.get(key)?.activityId ?? null } : null,
        recordSentCard: async (key, userKey, activityId) => void sent.set(key, { userKey, activityId }),
      },
      connector: {
        async sendActivity(address, act) {
          if (options.teamsError) throw options.teamsError
          teamsSent.push({ conversationId: address.conversationId, activity: act })
          activity += 1
          return { id: `act-${activity}` }
        },
        async updateActivity(_address, activityId, act) {
          teamsUpdated.push({ activityId, activity: act })
        },
      },
      sent: {
        listTeamsCards: async (reference) =>
          [...sent.entries()]
            .filter(([key]) => `${key}:`.includes(`:${reference}:`))
            .map(([sendKey, row]) => ({ sendKey, ...row })),
        forgetTeamsCard: async (key) => void sent.delete(key),
      },
    },
  }
  return { notifier: buildNotifier(deps), slackPosts, teamsSent, teamsUpdated, sent }
}

const receipt = buildReceiptNotice({
  reference: 'RET-2026-0042',
  suggestedIntervention: 'ROP',
  urgency: 'regulier',
  flags: [],
})

describe('Notifier: picks the recipient’s surface', () => {
  it('sends a Teams card once per send key, in the stored conversation’s language, and remembers it', async () => {
    const h = harness()
    const to = { kind: 'person', key: 'teams:tenant-1:aad-1' } as const
    expect(await h.notifier.notify(to, receipt, { sendKey: 'receipt:RET-2026-0042' })).toEqual({
      status: 'sent',
    })
    expect(await h.notifier.notify(to, receipt, { sendKey: 'receipt:RET-2026-0042' })).toEqual({
      status: 'already_sent',
    })
    expect(h.teamsSent).toHaveLength(1)
    expect(JSON.stringify(h.teamsSent[0]?.activity)).toContain('"lang":"en"')
    expect(h.sent.get('receipt:RET-2026-0042')).toEqual({ userKey: to.key, activityId: 'act-1' })
  })

  it('says when a Teams user has no stored conversation', async () => {
    const h = harness()
    expect(await h.notifier.notify({ kind: 'person', key: 'teams:tenant-1:aad-9' }, receipt)).toEqual({
      status: 'unreachable',
      reason: 'no_conversation',
    })
  })

  it('messages a Slack user of an allowed workspace directly, escaping the chair’s words', async () => {
    const h = harness()
    const question = buildQuestionNotice('RET-2026-0042', 4, {
      type: 'requestInfo',
      at: '2026-11-23T10:00:00Z',
      actorKey: 'slack:T0TEAM:U0CHAIR',
      surface: 'slack',
      from: 'in_triage',
      to: 'info_requested',
      data: { items: ['analysis'], question: 'Is <script> & co bekend?' },
    })
    expect(await h.notifier.notify({ kind: 'person', key: 'slack:T0TEAM:U0EN' }, question)).toEqual({
      status: 'sent',
    })
    expect(h.slackPosts[0]?.channel).toBe('U0EN')
    const body = JSON.stringify(h.slackPosts[0]?.message)
    expect(body).toContain('&lt;script&gt; &amp; co')
    expect(body).not.toContain('<script>')
    expect(await h.notifier.notify({ kind: 'person', key: 'slack:T0OTHER:U1' }, question)).toEqual({
      status: 'unreachable',
      reason: 'not_allowed',
    })
  })

  it('skips what a surface has no message for, and does not deliver to the web', async () => {
    const h = harness()
    expect(await h.notifier.notify({ kind: 'person', key: 'slack:T0TEAM:U1' }, receipt)).toEqual({
      status: 'skipped',
    })
    expect(await h.notifier.notify({ kind: 'person', key: 'web:access:jane@example.org' }, receipt)).toEqual({
      status: 'unreachable',
      reason: 'web',
    })
    expect(h.slackPosts).toHaveLength(0)
  })

  it('posts to the chairs’ channel, or says there is none', async () => {
    const h = harness()
    const alert = buildDeadLetterNotice({ type: 'digest.send', id: 'digest:2026-W47:x' })
    expect(await h.notifier.notify({ kind: 'chairs' }, alert)).toEqual({ status: 'sent' })
    expect(h.slackPosts[0]?.channel).toBe('C0TRIAGE')
    const none = harness({ channel: '' })
    expect(await none.notifier.notify({ kind: 'chairs' }, alert)).toEqual({
      status: 'unreachable',
      reason: 'no_channel',
    })
  })

  it('throws DeliveryUnavailable for a temporary failure and returns a permanent one', async () => {
    const reminder = buildReferrerReminderNotice('info', 'RET-2026-0042', 3)
    const down = harness({ slackError: new SlackApiError('chat.postMessage', 'ratelimited', true, 30) })
    await expect(
      down.notifier.notify({ kind: 'person', key: 'slack:T0TEAM:U1' }, reminder),
    ).rejects.toBeInstanceOf(DeliveryUnavailable)
    const refused = harness({ slackError: new SlackApiError('chat.postMessage', 'channel_not_found', false) })
    expect(await refused.notifier.notify({ kind: 'person', key: 'slack:T0TEAM:U1' }, reminder)).toEqual({
      status: 'failed',
      code: 'channel_not_found',
    })
    const teamsDown = harness({ teamsError: new ConnectorError(503, true, 'send') })
    await expect(
      teamsDown.notifier.notify({ kind: 'person', key: 'teams:tenant-1:aad-1' }, reminder),
    ).rejects.toBeInstanceOf(DeliveryUnavailable)
  })

  it('replaces every remembered card about an erased case and forgets it', async () => {
    const h = harness()
    const to = { kind: 'person', key: 'teams:tenant-1:aad-1' } as const
    await h.notifier.notify(to, receipt, { sendKey: 'receipt:RET-2026-0042' })
    await h.notifier.notify(to, receipt, { sendKey: 'receipt:RET-2026-0043' })
    expect(await h.notifier.replaceSent('RET-2026-0042', buildErasedNotice('RET-2026-0042'))).toBe(1)
    expect(h.teamsUpdated.map((u) => u.activityId)).toEqual(['act-1'])
    expect(JSON.stringify(h.teamsUpdated[0]?.activity)).toContain('RET-2026-0042')
    expect([...h.sent.keys()]).toEqual(['receipt:RET-2026-0043'])
  })
})

describe('web notices', () => {
  it('renders a notice as escaped HTML', () => {
    const html = renderWebNotice(
      {
        kind: 'question',
        reference: 'RET-2026-0042',
        version: 2,
        items: [],
        question: '<img src=x onerror=alert(1)>',
      },
      'nl',
    )
    expect(html).toContain('data-kind="question"')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toContain('<img')
  })
})
