import { env } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { platformUserId } from '../../src/auth/identity'
import type { Actor } from '../../src/domain/types'
import { runCaseCommand } from '../../src/services/cases'
import { buildDeps } from '../../src/wiring'
import { dumpD1, dumpDrafts } from './privacy-helpers'
import { buildTeamsServer, buttons, connectorCalls, TeamsUser } from './teams-helpers'
import { WEB_ANSWERS } from './web-answers'

/**
 * Chat identities at rest (issue 14 §4): with `IDENTITY_HMAC_KEY` set, a Teams referrer files a full
 * intake, asks for an upload link and is made case lead by a chair who typed their Entra object id;
 * afterwards no D1 table and no draft holds the object id (nor the `29:` Teams id) — only the keyed
 * pseudonym `teams:<tenant>:p_…` in the case, the timeline, the audit log, the file link, the draft key
 * and the conversation reference, which still reaches the person.
 */

const KEY = 'identity-hmac-key-for-teams-test-0123456789'
const AAD = '5b7c1e2a-aad-object-id-of-teams-referrer'
const CHAIR: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: '',
  roles: ['chair'],
  lang: 'nl',
}

const server = buildTeamsServer()
const mutable = env as unknown as Record<string, unknown>
const before = mutable.IDENTITY_HMAC_KEY
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' })
  mutable.IDENTITY_HMAC_KEY = KEY
})
afterAll(() => {
  server.close()
  mutable.IDENTITY_HMAC_KEY = before
})

/** Three problem domains require the shared analysis (G5): the receipt then offers the upload. */
const ANSWERS: Record<string, Record<string, string | string[]>> = {
  ...WEB_ANSWERS,
  situation: { ...WEB_ANSWERS.situation, 'situation.problemDomains': ['ggz', 'lvb', 'autisme'] },
  analysis: { 'analysis.present': 'false' },
}

async function fileThroughTeams(user: TeamsUser): Promise<string> {
  await user.say('nieuwe casus')
  for (let i = 0; i < 25; i++) {
    if (user.card && buttons(user.card).some((b) => b.data?.action === 'submit')) break
    const stepId = user.stepId()
    if (!stepId) throw new Error('no step card')
    const answers = ANSWERS[stepId]
    if (!answers) throw new Error(`no answers for step ${stepId}`)
    await user.press('next', answers)
  }
  await user.press('submit')
  const reference = JSON.stringify(user.card).match(/RET-\d{4}-\d{4}/)?.[0]
  if (!reference) throw new Error(`not submitted: ${JSON.stringify(user.card).slice(0, 300)}`)
  return reference
}

describe('Teams identities at rest (issue 14 §4)', () => {
  it('stores the keyed pseudonym everywhere and the Entra object id nowhere', async () => {
    const pseudonym = await platformUserId({ IDENTITY_HMAC_KEY: KEY }, 'teams', 'tenant-drenthe-0001', AAD)
    expect(pseudonym).toMatch(/^p_[A-Za-z0-9_-]{32}$/)
    const stored = `teams:tenant-drenthe-0001:${pseudonym}`

    const user = new TeamsUser(AAD)
    // A real personal conversation id is opaque (`a:1…`); the helper's default would contain the object id.
    Object.defineProperty(user, 'conversationId', { value: 'a:1Opaque-personal-conversation-0042' })
    const reference = await fileThroughTeams(user)
    // An upload link through the chat (file_links.user_key), a half-way second draft (draft keys).
    await user.post(user.activity({ value: { action: 'cmd:upload', reference }, text: undefined }))
    expect(user.lastStatus).toBe(200)
    expect(JSON.stringify(user.card)).toContain('/files/upload/')
    await user.say('nieuwe casus')
    // A chair makes the referrer lead by their object id, as configuration and Teams show it.
    const lead = await runCaseCommand(buildDeps(env), {
      reference,
      command: { type: 'assignLead', leadKey: `teams:tenant-drenthe-0001:${AAD}` },
      actor: CHAIR,
    })
    expect(lead.ok).toBe(true)

    const row = await env.DB.prepare('SELECT referrer_key, lead_key FROM cases WHERE reference = ?')
      .bind(reference)
      .first<{ referrer_key: string; lead_key: string }>()
    expect(row).toEqual({ referrer_key: stored, lead_key: stored })
    const link = await env.DB.prepare('SELECT user_key FROM file_links WHERE reference = ?')
      .bind(reference)
      .first<{ user_key: string }>()
    expect(link?.user_key).toBe(stored)
    const conversation = await env.DB.prepare(
      'SELECT user_key, user_id FROM teams_conversations WHERE user_key = ?',
    )
      .bind(stored)
      .first<{ user_key: string; user_id: string }>()
    expect(conversation).toEqual({ user_key: stored, user_id: '' })
    const audit = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM audit_log WHERE case_reference = ? AND actor_key = ? AND detail = 'link_issued:upload:analysis'",
    )
      .bind(reference, stored)
      .first<{ n: number }>()
    expect(audit?.n).toBe(1)

    // The raw-storage scan: the object id (and so `teams:<tenant>:<aad>` and `29:<aad>`) is in no table
    // and no draft.
    for (const [table, text] of Object.entries(await dumpD1())) expect(text, table).not.toContain(AAD)
    const drafts = await dumpDrafts()
    for (const [key, text] of Object.entries(drafts)) {
      expect(key).not.toContain(AAD)
      expect(text, key).not.toContain(AAD)
    }
    expect(Object.keys(drafts)).toContain(stored)

    // The pseudonymised conversation reference still reaches the person: the receipt went to them.
    expect(
      connectorCalls.some(
        (c) => c.conversationId === user.conversationId && JSON.stringify(c.card ?? {}).includes(reference),
      ),
    ).toBe(true)
  })
})
