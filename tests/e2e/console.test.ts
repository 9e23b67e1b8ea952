import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations (the Slack Web API stub of npm run dev)
import { startSlackStub } from '../../scripts/slack-stub.mjs'
// @ts-expect-error: a plain .mjs script without type declarations (the Bot Connector stub of npm run dev)
import { startTeamsStub } from '../../scripts/teams-stub.mjs'
import { WEB_ANSWERS } from '../integration/web-answers'
import { type DevServer, freePort, startDevServer } from './dev-server'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const REFERENCE = /RET-\d{4}-\d{4}/
const REFERRER = 'Eva Verwijzer'
const CHAIR = 'Chair'
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const SHOTS = join(process.cwd(), 'docs/images')

/** Waits until the element is visible (fails the test after 15 s). */
async function visible(locator: Locator) {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 })
}

async function login(page: Page, base: string, name: string, role: 'Verwijzer' | 'RET-voorzitter') {
  await page.goto(`${base}/dev/login`)
  await page.getByLabel('Je naam', { exact: true }).fill(name)
  await page.getByLabel(role, { exact: true }).check()
  await page.getByRole('button', { name: 'Inloggen', exact: true }).click()
  await page.getByText(`Ingelogd als ${name}`).waitFor()
}

/**
 * Files a complete intake as the signed-in referrer with the browser context's own cookies (the form
 * posts a person would make; the intake pages themselves are covered by tests/e2e/intake.test.ts).
 */
async function fileIntake(page: Page, base: string): Promise<string> {
  const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? ''
  const post = async (path: string, fields: Record<string, string | string[]>, html: string) => {
    const body = new URLSearchParams({ _csrf: csrfOf(html) })
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one)
    const res = await page.request.post(`${base}${path}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: body.toString(),
    })
    return res.text()
  }
  let html = await (await page.request.get(`${base}/`)).text()
  html = await post('/intake/start', {}, html)
  for (let i = 0; i < 20; i++) {
    const step = html.match(/name="_step" value="([^"]+)"/)?.[1] ?? ''
    if (step === 'review') break
    const answers = WEB_ANSWERS[step]
    if (!answers) throw new Error(`no answers for step ${step}`)
    html = await post('/intake', { _step: step, _action: 'next', ...answers }, html)
  }
  html = await post('/intake', { _step: 'review', _action: 'submit' }, html)
  const reference = html.match(REFERENCE)?.[0]
  if (!reference) throw new Error('the intake was not filed')
  return reference
}

/** axe-core in the page (evaluated over the protocol, so the page's CSP stays as it is). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const result = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))',
  )) as { id: string; impact: string | null; nodes: number }[]
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes} nodes)`)
}

/** Whether the page is wider than the viewport (a horizontal scroll bar). */
function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  ) as Promise<boolean>
}

/** One recorded Slack Web API call of the stub (scripts/slack-stub.mjs). */
interface SlackCall {
  method: string
  body: { channel?: string; ts?: string; thread_ts?: string; text?: string; blocks?: unknown }
  answer: { ts?: string }
}
interface SlackStub {
  url: string
  calls: SlackCall[]
  close(): Promise<void>
}
/** One recorded activity of the Bot Connector stub (scripts/teams-stub.mjs). */
interface TeamsCall {
  method: 'POST' | 'PUT'
  conversationId: string
  activityId: string
  body: { attachments?: { content?: unknown }[]; text?: string }
}
interface TeamsStub {
  url: string
  calls: TeamsCall[]
  close(): Promise<void>
}
const TEAMS_CHANNEL = '19:e2e-triage@thread.tacv2'

/** Polls until `check` returns a value (the queue consumer posts to Slack shortly after a change). */
async function eventually<T>(
  check: () => T | undefined,
  what: string,
  context: () => string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Opens one action's form on the case page. */
async function openAction(page: Page, name: string) {
  await page.locator('details.action > summary', { hasText: name }).first().click()
}

describe('the web console in a real browser', () => {
  let persistDir = ''
  let server: DevServer | null = null
  let browser: Browser | null = null
  let slack: SlackStub | null = null
  let teams: TeamsStub | null = null

  beforeAll(async () => {
    persistDir = mkdtempSync(join(tmpdir(), 'ret-e2e-console-'))
    // The case's Slack card goes to a local Web API stub (SLACK_API_URL), which records every call.
    slack = (await startSlackStub()) as SlackStub
    // And to the Teams triage channel through a local Bot Connector (token endpoint and activities).
    teams = (await startTeamsStub()) as TeamsStub
    server = await startDevServer(await freePort(), persistDir, {
      RET_SLACK_API_URL: slack.url,
      RET_SLACK_TRIAGE_CHANNEL: 'CE2ETRIAGE',
      RET_TEAMS_CONNECTOR_URL: teams.url,
      RET_TEAMS_TRIAGE_CHANNEL: TEAMS_CHANNEL,
    })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await slack?.close()
    await teams?.close()
    rmSync(persistDir, { recursive: true, force: true })
  })

  it('a chair triages a case from question to close; the referrer answers on the web', async () => {
    const base = server!.base
    const referrerPage = await (await browser!.newContext({ locale: 'nl-NL' })).newPage()
    await login(referrerPage, base, REFERRER, 'Verwijzer')
    const reference = await fileIntake(referrerPage, base)

    const chairContext = await browser!.newContext({
      locale: 'nl-NL',
      viewport: { width: 1280, height: 900 },
    })
    const chair = await chairContext.newPage()
    await login(chair, base, CHAIR, 'RET-voorzitter')
    await chair.getByRole('link', { name: 'Casussen', exact: true }).click()
    await visible(chair.getByRole('heading', { name: 'Casussen', level: 1 }))
    await chair.getByText('Waar triëren voorzitters?').click()
    await visible(chair.getByText('in een Slack-kanaal en in een Microsoft Teams-kanaal'))

    // Filter: Assen, urgency regular; the case is in the list, longest waiting first.
    await chair.getByLabel('Gemeente', { exact: true }).selectOption('Assen')
    await chair.getByLabel('Urgentie', { exact: true }).selectOption('regulier')
    await chair.getByRole('button', { name: 'Filteren' }).click()
    await chair.waitForURL(/municipality=Assen/)
    await visible(chair.getByRole('rowheader', { name: reference }))
    expect(await seriousViolations(chair)).toEqual([])
    await chair.screenshot({ path: join(SHOTS, 'web-console-list-1280.png'), fullPage: true })
    await chair.getByLabel('Gemeente', { exact: true }).selectOption('Emmen')
    await chair.getByRole('button', { name: 'Filteren' }).click()
    await visible(chair.getByText('Er zijn geen casussen die bij deze filters passen.'))
    await chair.getByRole('link', { name: 'Filters wissen' }).click()

    // Open the case and read it; ask for information.
    await chair.getByRole('link', { name: reference, exact: true }).click()
    await visible(chair.getByRole('heading', { name: `Casus ${reference}` }))
    await visible(chair.getByRole('heading', { name: 'Voorgestelde interventie' }))
    await visible(chair.getByRole('heading', { name: 'De aanmelding' }))
    await visible(chair.getByText('Sanne de Vries'))
    expect(await seriousViolations(chair)).toEqual([])
    await chair.screenshot({ path: join(SHOTS, 'web-console-case-1280.png') })
    await openAction(chair, 'Informatie vragen')
    await chair.getByRole('button', { name: 'Vraag versturen' }).click()
    await visible(chair.getByRole('heading', { name: 'Er is een probleem' }))
    expect(await seriousViolations(chair)).toEqual([])
    await chair.getByLabel('Wat er ontbreekt').fill('analyse')
    await chair.getByLabel('Je vraag aan de verwijzer').fill('Is de analyse met het gezin besproken?')
    await chair.getByRole('button', { name: 'Vraag versturen' }).click()
    await visible(chair.getByText('Gelukt: Informatie vragen.'))

    // The referrer answers on the web.
    await referrerPage.goto(`${base}/cases`)
    await referrerPage.getByRole('link', { name: reference, exact: true }).click()
    await visible(referrerPage.getByText('Is de analyse met het gezin besproken?'))
    await openAction(referrerPage, 'Informatie aanleveren')
    await referrerPage.getByLabel('Je antwoord').fill('Ja, op 2 november, met beide ouders.')
    await referrerPage.getByRole('button', { name: 'Antwoord versturen' }).click()
    await visible(referrerPage.getByText('Gelukt: Informatie aanleveren.'))

    // The chair accepts, schedules, records the outcome and closes.
    await chair.reload()
    await visible(chair.getByText('Ja, op 2 november, met beide ouders.'))
    await openAction(chair, 'Accepteren')
    await chair.getByRole('button', { name: 'Accepteren', exact: true }).click()
    await visible(chair.getByText('Gelukt: Accepteren.'))
    await openAction(chair, 'Inplannen')
    await chair.getByLabel('Datum', { exact: true }).fill('2026-12-15')
    await chair.getByLabel('Tijd', { exact: true }).fill('14:30')
    await chair.getByRole('button', { name: 'Inplannen', exact: true }).click()
    await visible(chair.getByText('Gelukt: Inplannen.'))
    await openAction(chair, 'Advies vastleggen')
    await chair.getByLabel('Het advies').fill('Regie op 3 met school en jeugdarts.')
    await chair.getByRole('button', { name: 'Advies vastleggen' }).click()
    await visible(chair.getByText('Gelukt: Advies vastleggen.'))
    await openAction(chair, 'Afsluiten')
    await chair.getByRole('button', { name: 'Afsluiten', exact: true }).click()
    await visible(chair.getByText('Gelukt: Afsluiten.'))

    // The timeline shows every step.
    const timeline = chair.locator('ol.timeline > li')
    expect(await timeline.locator('.event-head strong').allTextContents()).toEqual([
      'Casus ingediend',
      'Informatie vragen',
      'Informatie aanleveren',
      'Accepteren',
      'Inplannen',
      'Advies vastleggen',
      'Afsluiten',
    ])
    await visible(timeline.getByText('Regie op 3 met school en jeugdarts.'))
    await visible(chair.getByText('15 december 2026 om 14:30').first())

    // The case's Slack card (posted once, updated in place by the queue) shows the final state.
    const calls = slack!.calls
    const slackContext = () =>
      `Slack calls: ${calls.map((c) => `${c.method} ${c.body.ts ?? c.body.thread_ts ?? ''}`).join(', ')}\n` +
      `dev server:\n${server!.output()}`
    const cardTs = await eventually(
      () =>
        calls.find(
          (c) =>
            c.method === 'chat.postMessage' &&
            c.body.thread_ts === undefined &&
            JSON.stringify(c.body.blocks).includes(reference),
        )?.answer.ts,
      'the Slack card',
      slackContext,
    )
    const lastCard = await eventually(
      () => {
        const updates = calls.filter((c) => c.method === 'chat.update' && c.body.ts === cardTs)
        const last = updates.at(-1)
        return last && JSON.stringify(last.body.blocks).includes('Afgesloten') ? last : undefined
      },
      'the Slack card in its closed state',
      slackContext,
    )
    const finalCard = JSON.stringify(lastCard.body.blocks)
    expect(finalCard).toContain(reference)
    // A closed case offers only reopen (and the details link), no accept or close any more.
    expect(finalCard).toContain('ret:triage:reopen')
    expect(finalCard).not.toContain('ret:triage:accept')
    expect(finalCard).not.toContain('ret:triage:close')
    expect(lastCard.body.channel).toBe('CE2ETRIAGE')
    const cards = calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.thread_ts === undefined &&
        JSON.stringify(c.body.blocks).includes(reference),
    )
    expect(cards).toHaveLength(1)
    // Every step is a line in the card's thread; nothing personal went to Slack.
    await eventually(
      () =>
        calls.filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === cardTs).length >= 7
          ? true
          : undefined,
      'seven thread lines',
      slackContext,
    )
    // The Teams channel card likewise: posted once into the channel, its last update the closed state.
    const teamsCalls = teams!.calls
    const teamsContext = () =>
      `Teams calls: ${teamsCalls.map((c) => `${c.method} ${c.conversationId} ${c.activityId}`).join(', ')}\n` +
      `dev server:\n${server!.output()}`
    const cardOf = (c: TeamsCall) => JSON.stringify(c.body.attachments?.[0]?.content ?? null)
    const teamsPosts = await eventually(
      () => {
        const posts = teamsCalls.filter(
          (c) => c.method === 'POST' && c.conversationId === TEAMS_CHANNEL && cardOf(c).includes(reference),
        )
        return posts.length > 0 ? posts : undefined
      },
      'the Teams card',
      teamsContext,
    )
    expect(teamsPosts).toHaveLength(1)
    const teamsCardId = teamsPosts[0]!.activityId
    const teamsFinal = await eventually(
      () => {
        const last = teamsCalls.filter((c) => c.method === 'PUT' && c.activityId === teamsCardId).at(-1)
        return last && cardOf(last).includes('Afgesloten') ? cardOf(last) : undefined
      },
      'the Teams card in its closed state',
      teamsContext,
    )
    expect(teamsFinal).toContain('ret.triage.reopen')
    expect(teamsFinal).not.toContain('ret.triage.accept')
    expect(
      teamsCalls.filter((c) => c.conversationId === `${TEAMS_CHANNEL};messageid=${teamsCardId}`).length,
    ).toBeGreaterThanOrEqual(7)

    const everything = JSON.stringify(calls) + JSON.stringify(teamsCalls)
    for (const personal of [
      REFERRER,
      'Sanne de Vries',
      'Regie op 3 met school',
      'Is de analyse met het gezin',
    ]) {
      expect(everything).not.toContain(personal)
    }

    // At 390 px: no sideways scrolling, and no serious accessibility problems.
    await chair.setViewportSize({ width: 390, height: 844 })
    await chair.goto(`${base}/cases?status=all`)
    await visible(chair.getByRole('rowheader', { name: reference }))
    expect(await scrollsSideways(chair)).toBe(false)
    expect(await seriousViolations(chair)).toEqual([])
    await chair.screenshot({ path: join(SHOTS, 'web-console-list-390.png'), fullPage: true })
    await chair.goto(`${base}/cases/${reference}`)
    expect(await scrollsSideways(chair)).toBe(false)
    expect(await seriousViolations(chair)).toEqual([])
    await chair.screenshot({ path: join(SHOTS, 'web-console-case-390.png') })
    await referrerPage.setViewportSize({ width: 390, height: 844 })
    await referrerPage.goto(`${base}/cases`)
    expect(await scrollsSideways(referrerPage)).toBe(false)
    expect(await seriousViolations(referrerPage)).toEqual([])
  })
})
