import { env } from 'cloudflare:test'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildDurableDraftStore } from '../../adapters/storage/draft-object'
import type { AdaptiveCard } from '../../adapters/teams/card-schema'
import { AdaptiveCardSchema } from '../../adapters/teams/card-schema'
import {
  buildTeamsServer,
  buttons,
  type ConnectorCall,
  connectorCalls,
  elements,
  openLink,
  postLinkForm,
  send,
  TeamsUser,
  unexpected,
} from './teams-helpers'
import { WEB_ANSWERS } from './web-answers'

/**
 * Issue 3 in Teams: the referrer of a case with a missing shared analysis gets an "Upload analysis"
 * button that issues a personal upload link; the upload through it attaches the file. Also: "stop" on
 * the acute-danger notice (G1) keeps the crisis numbers in view.
 */

const server = buildTeamsServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  unexpected.length = 0
})

async function count(sql: string, ...bind: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...bind)
    .first<{ n: number }>()
  return row?.n ?? 0
}

function callsTo(user: TeamsUser, from = 0): ConnectorCall[] {
  return connectorCalls.slice(from).filter((c) => c.conversationId === user.conversationId)
}

function expectValidCard(card: AdaptiveCard | null) {
  const result = AdaptiveCardSchema.safeParse(card)
  expect(result.success, JSON.stringify(result.error?.issues.slice(0, 3))).toBe(true)
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Three problem domains require the shared analysis (G5); it is not there yet. */
const WITHOUT_ANALYSIS: Record<string, Record<string, string | string[]>> = {
  situation: { ...WEB_ANSWERS.situation, 'situation.problemDomains': ['ggz', 'lvb', 'autisme'] },
  analysis: { 'analysis.present': 'false' },
}

async function fileWithoutAnalysis(user: TeamsUser): Promise<string> {
  await user.say('nieuwe casus')
  for (let i = 0; i < 25; i++) {
    if (user.card && buttons(user.card).some((b) => b.data?.action === 'submit')) break
    const stepId = user.stepId()
    if (!stepId) throw new Error('no step card')
    const answers = WITHOUT_ANALYSIS[stepId] ?? WEB_ANSWERS[stepId]
    if (!answers) throw new Error(`no answers for step ${stepId}`)
    await user.press('next', answers)
    expect(user.stepId(), JSON.stringify(user.card).slice(0, 400)).not.toBe(stepId)
  }
  await user.press('submit')
  const reference = JSON.stringify(user.card).match(/RET-\d{4}-\d{4}/)?.[0]
  if (!reference) throw new Error(`not submitted: ${JSON.stringify(user.card).slice(0, 300)}`)
  return reference
}

function openUrlOf(card: AdaptiveCard | null | undefined): string {
  const open = card?.actions?.find((a) => a.type === 'Action.OpenUrl')
  return open?.type === 'Action.OpenUrl' ? open.url : ''
}

/** Opens the upload link in a fresh browser and posts the file through its form. */
async function postFile(url: string, name: string, bytes: Uint8Array): Promise<Response> {
  const opened = await openLink(url)
  return postLinkForm(url, opened, { file: new File([bytes], name, { type: 'application/pdf' }) })
}

describe('Teams: uploading the missing analysis', () => {
  it('offers the referrer an upload link on the receipt; the upload attaches the file; others get no link', async () => {
    const user = new TeamsUser('aad-upload-0001')
    const from = connectorCalls.length
    const reference = await fileWithoutAnalysis(user)
    const flags = await env.DB.prepare('SELECT flags_json AS flags FROM cases WHERE reference = ?')
      .bind(reference)
      .first<{ flags: string }>()
    expect(flags?.flags).toContain('analysis_missing')

    const receipt = await waitFor(
      () =>
        callsTo(user, from).find(
          (c) => c.method === 'POST' && JSON.stringify(c.card).includes('Casus ingediend'),
        ),
      'the receipt card',
    )
    expectValidCard(receipt.card)
    expect(JSON.stringify(receipt.card)).toContain('De gedeelde verklarende analyse ontbreekt nog')
    user.card = receipt.card
    user.cardId = receipt.activityId
    expect(user.button('cmd:upload').data).toEqual({ action: 'cmd:upload', reference })

    await user.press('cmd:upload')
    expect(user.lastStatus).toBe(200)
    const linkCall = callsTo(user, from).at(-1)
    expect(linkCall?.method).toBe('POST')
    expectValidCard(linkCall?.card ?? null)
    expect(JSON.stringify(linkCall?.card)).toContain(`Je uploadlink voor de analyse van ${reference}`)
    const url = openUrlOf(linkCall?.card)
    expect(url).toMatch(/^https:\/\/ret\.example\.test\/files\/upload\/[A-Za-z0-9_-]{43}$/)
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM audit_log WHERE case_reference = ? AND actor_key = ? AND detail = 'link_issued:upload:analysis'",
        reference,
        user.key,
      ),
    ).toBe(1)

    // The link opens the upload page, and the upload attaches the file to the case.
    const pageRes = await send(new Request(url))
    expect(pageRes.status).toBe(200)
    expect(await pageRes.text()).toContain('type="file"')
    const uploaded = await postFile(url, 'analyse.pdf', new TextEncoder().encode('%PDF-1.7\nanalyse'))
    expect(uploaded.status).toBe(200)
    // Single use: a second upload through the same link (forwarded, or read from a log) is refused.
    const second = await postFile(url, 'nog een.pdf', new TextEncoder().encode('%PDF-1.7\nnog een'))
    expect(second.status).toBe(403)
    // Without the browser's CSRF token nothing is stored either.
    const forged = new FormData()
    forged.append('_csrf', 'forged')
    forged.append('file', new File([new TextEncoder().encode('%PDF-1.7\nx')], 'x.pdf'))
    expect((await send(new Request(url, { method: 'POST', body: forged }))).status).toBe(403)
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ? AND f.kind = 'attachment' AND f.created_by = ?",
        reference,
        user.key,
      ),
    ).toBe(1)

    // Another Teams user pressing the same button for this case gets no link, and nothing is issued.
    const other = new TeamsUser('aad-upload-0002')
    other.card = receipt.card
    other.cardId = receipt.activityId
    const before = connectorCalls.length
    await other.press('cmd:upload')
    expect(other.lastStatus).toBe(200)
    const refusal = callsTo(other, before).at(-1)
    expectValidCard(refusal?.card ?? null)
    expect(openUrlOf(refusal?.card)).toBe('')
    expect(JSON.stringify(refusal?.card)).toContain('Alleen wie de casus heeft aangemeld')
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM audit_log WHERE case_reference = ? AND actor_key = ? AND detail LIKE 'link_issued:%'",
        reference,
        other.key,
      ),
    ).toBe(0)

    // A tampered upload link attaches nothing.
    const tampered = `${url.slice(0, -3)}${url.endsWith('AAA') ? 'BBB' : 'AAA'}`
    expect((await openLink(tampered)).status).toBe(404)
    // The error page is in the site layout, with its CSRF field: the post reaches the link check, which
    // answers as for the GET (an unknown link).
    const refused = await postFile(tampered, 'x.pdf', new TextEncoder().encode('%PDF-1.7\nx'))
    expect(refused.status).toBe(404)
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM case_files f JOIN cases c ON c.id = f.case_id WHERE c.reference = ? AND f.kind = 'attachment'",
        reference,
      ),
    ).toBe(1)
    expect(unexpected.filter((u) => u.includes('example.test'))).toEqual([])
  })

  it('offers the upload on the analysis reminder too, in the user language', async () => {
    const user = new TeamsUser('aad-upload-0003', 'tenant-drenthe-0001', 'en-US')
    const reference = await fileWithoutAnalysis(user)
    const from = connectorCalls.length
    await env.JOBS.send({
      type: 'teams.reminder',
      id: `reminder:${reference}:upload`,
      userKey: user.key,
      kind: 'analysis',
      reference,
    })
    const reminder = await waitFor(
      () =>
        callsTo(user, from).find((c) =>
          JSON.stringify(c.card).includes('Shared explanatory analysis missing'),
        ),
      'the reminder card',
    )
    expectValidCard(reminder.card)
    user.card = reminder.card
    user.cardId = reminder.activityId
    await user.press('cmd:upload')
    const url = openUrlOf(callsTo(user, from).at(-1)?.card)
    expect(url).toContain('/files/upload/')
    expect(JSON.stringify(user.card)).toContain('Upload analysis')
  })

  it('does not offer the upload on the receipt when the analysis is there', async () => {
    const user = new TeamsUser('aad-upload-0004')
    const from = connectorCalls.length
    await user.say('nieuwe casus')
    for (let i = 0; i < 25; i++) {
      if (user.card && buttons(user.card).some((b) => b.data?.action === 'submit')) break
      const stepId = user.stepId() ?? ''
      await user.press('next', WEB_ANSWERS[stepId] ?? {})
    }
    await user.press('submit')
    const receipt = await waitFor(
      () =>
        callsTo(user, from).find(
          (c) => c.method === 'POST' && JSON.stringify(c.card).includes('Casus ingediend'),
        ),
      'the receipt card',
    )
    expect(receipt.card && buttons(receipt.card).map((b) => b.data?.action)).toEqual(['cmd:pdf'])
  })
})

describe('Teams: stopping at the acute-danger notice (G1)', () => {
  async function atG1(user: TeamsUser) {
    await user.say('nieuwe casus')
    await user.press('next', { ...WEB_ANSWERS.start, acuteDanger: 'true' })
    expect(user.card && buttons(user.card).some((b) => b.data?.action === 'choose:G1:stop')).toBe(true)
  }

  function crisisLines(card: AdaptiveCard | null): string {
    const container = card && elements(card).find((e) => e.type === 'Container' && e.id === 'notice-G1')
    return JSON.stringify(container ?? null)
  }

  it('keeps 112, Veilig Thuis, the crisis service and "not a report" on the card after stop', async () => {
    const user = new TeamsUser('aad-g1-stop-0001')
    await atG1(user)
    await user.press('choose:G1:stop')
    expect(user.lastStatus).toBe(200)
    // The draft is gone: nothing of it is kept after a stop.
    expect(await buildDurableDraftStore(env.DRAFTS).load(user.key)).toBeNull()
    expectValidCard(user.card)
    const json = JSON.stringify(user.card)
    expect(json).toContain('De aanmelding is gestopt en niet ingediend.')
    const lines = crisisLines(user.card)
    expect(lines).toContain('Bel [112](tel:112)')
    expect(lines).toContain('[0800\u20112000](tel:08002000)') // a tel: link kept on one line (issue 13 §2)
    expect(lines).toContain('crisisdienst jeugd')
    expect(lines).toContain('géén melding bij Veilig Thuis')
    expect(lines).toContain('"style":"attention"')
    expect(buttons(user.card as AdaptiveCard).map((b) => b.data?.action)).toEqual(['cmd:new'])
    expect(await count('SELECT COUNT(*) AS n FROM cases WHERE referrer_key = ?', user.key)).toBe(0)
  })

  it('keeps them when "stop" is typed at the notice, in English too', async () => {
    const user = new TeamsUser('aad-g1-stop-0002', 'tenant-drenthe-0001', 'en-US')
    await atG1(user)
    await user.say('stop')
    const lines = crisisLines(user.card)
    expect(lines).toContain('112')
    expect(lines).toContain('0800\u20112000')
    expect(JSON.stringify(user.card)).toContain('"lang":"en"')
  })

  it('a plain stop elsewhere shows no crisis block', async () => {
    const user = new TeamsUser('aad-g1-stop-0003')
    await user.say('nieuwe casus')
    await user.say('stop')
    expect(JSON.stringify(user.card)).toContain('De aanmelding is gestopt')
    expect(crisisLines(user.card)).toBe('null')
  })
})
