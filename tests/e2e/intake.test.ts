import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentStep, fill, isFocused, labelled, launchBrowser, login, REFERENCE, visible } from './browser'
import { type DevServer, freePort, startDevServer } from './dev-server'

// The intake's behaviour over several visits (back, resume in another browser, restart of the dev server,
// the keyboard). The acceptance walk of every path at 390/1280 px in both languages is tests/e2e/walk.test.ts.
const NAME = 'Sanne de Vries'

/** A complete intake, by intake path, as a person types or picks it (option values, not labels). */
const ANSWERS: Record<string, Record<string, string | string[]>> = {
  start: { acuteDanger: 'false', consultationOnly: 'false' },
  referrer: {
    'referrer.name': NAME,
    'referrer.organisation': 'Lokaal team Assen',
    'referrer.role': 'lokaal_team',
    'referrer.email': 'sanne@example.org',
  },
  child: { 'child.pseudonym': 'J.', 'child.birthYear': '2012', 'child.municipality': 'Assen' },
  legal: {
    'legal.framework': 'vrijwillig',
    'legal.authority': 'beide_ouders',
    'legal.consent.parents': 'true',
    'legal.consent.child': 'true',
    'legal.consent.date': '2026-11-02',
    'legal.consent.scope': 'RET-bespreking',
  },
  situation: { 'situation.living': 'eigen_gezin', 'situation.problemDomains': ['ggz', 'lvb'] },
  placement: {
    'situation.placement.needed': 'false',
    'situation.placement.threatened': 'true',
    'situation.placement.breakdown': 'false',
    'situation.placement.onWaitingList': 'false',
    'situation.placement.closedCareRequested': 'false',
  },
  help: {
    'help.monthsWithoutProgress': '5',
    'help.protocolsFailing': 'true',
    'help.professionalsDisagree': 'false',
    'help.noFittingOffer': 'false',
    'help.repeatedRequests': 'false',
  },
  network: {
    'help.caseDirector': 'false',
    'help.history[0].what': 'Ambulante gezinsbehandeling',
    'help.history[0].provider': 'Yorneo',
    'help.history[0].from': '2025-01',
    'help.history[0].result': 'gestopt',
  },
  school: {
    'school.type': 'vso',
    'school.attendance': 'thuiszitter',
    'school.weeksAbsent': '12',
    'school.leerplichtInvolved': 'true',
  },
  analysis: { 'analysis.present': 'true', 'analysis.sharedWithFamily': 'true' },
  question: {
    question: 'Welke route past bij deze jongere?',
    perspective: 'Hij wil weer naar school.',
    urgency: 'regulier',
  },
}

/** Answers steps until `stopAt` is on screen. */
async function answerUntil(page: Page, stopAt: string) {
  for (let i = 0; i < 20; i++) {
    const stepId = await currentStep(page)
    if (stepId === stopAt) return
    const answers = ANSWERS[stepId]
    if (!answers) throw new Error(`no answers for step ${stepId}`)
    for (const [path, value] of Object.entries(answers)) await fill(page, path, value)
    await page.getByRole('button', { name: 'Volgende', exact: true }).click()
    expect(await page.locator('.error-summary').count()).toBe(0)
  }
  throw new Error(`did not reach ${stopAt}`)
}

describe('intake in a real browser', () => {
  let persistDir = ''
  let port = 0
  let server: DevServer | null = null
  let browser: Browser | null = null
  let reference = ''

  const launch = launchBrowser

  beforeAll(async () => {
    persistDir = mkdtempSync(join(tmpdir(), 'ret-e2e-'))
    port = await freePort()
    server = await startDevServer(port, persistDir)
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(persistDir, { recursive: true, force: true })
  })

  it('files a complete case: labels, back, resume in a new browser, reference, Mijn casussen', async () => {
    const base = server!.base
    const context = await browser!.newContext({ locale: 'nl-NL' })
    const page = await context.newPage()
    await login(page, base, NAME)
    await page.getByRole('button', { name: 'Nieuwe aanmelding starten' }).click()
    await visible(page.getByText(/^Stap 1 van \d+$/))

    await answerUntil(page, 'child')
    // Back: the referrer step again, with what was typed.
    await page.getByRole('button', { name: 'Vorige', exact: true }).click()
    expect(await currentStep(page)).toBe('referrer')
    expect(await page.getByLabel(labelled('nl', 'Je naam')).inputValue()).toBe(NAME)
    await answerUntil(page, 'situation')

    // Close the browser mid-way; resume in a new browser with the same identity.
    await browser!.close()
    browser = await launch()
    const page2 = await (await browser.newContext({ locale: 'nl-NL' })).newPage()
    await login(page2, base, NAME)
    await page2.getByRole('link', { name: 'Verder met mijn aanmelding' }).click()
    expect(await currentStep(page2)).toBe('situation')
    await answerUntil(page2, 'review')

    await visible(page2.getByRole('heading', { name: 'Voorgestelde interventie' }))
    await page2.getByRole('button', { name: 'Aanmelding versturen' }).click()
    await visible(page2.getByRole('heading', { name: 'Aanmelding verstuurd' }))
    reference = (await page2.locator('#reference').textContent())?.trim() ?? ''
    expect(reference).toMatch(REFERENCE)

    await page2.getByRole('link', { name: 'Naar mijn casussen' }).click()
    await visible(page2.getByRole('rowheader', { name: reference }))

    // A new, half-done draft: saved for later on the referrer step.
    await page2.goto(`${base}/`)
    await page2.getByRole('button', { name: 'Nieuwe aanmelding starten' }).click()
    await answerUntil(page2, 'referrer')
    await fill(page2, 'referrer.name', 'Half klaar')
    await page2.getByRole('button', { name: 'Bewaren en later verder' }).click()
    await visible(page2.getByText('Je aanmelding is bewaard'))
  })

  it('keeps the case and the half-done draft when npm run dev restarts', async () => {
    expect(reference).toMatch(REFERENCE)
    await server!.stop()
    server = await startDevServer(port, persistDir)
    const page = await (await browser!.newContext({ locale: 'nl-NL' })).newPage()
    await login(page, server.base, NAME)
    await page.getByRole('link', { name: 'Verder met mijn aanmelding' }).click()
    expect(await currentStep(page)).toBe('referrer')
    expect(await page.getByLabel(labelled('nl', 'Je naam')).inputValue()).toBe('Half klaar')
    await page.getByRole('link', { name: 'Mijn casussen' }).first().click()
    await visible(page.getByRole('rowheader', { name: reference }))
  })

  it('works with the keyboard only: error summary focused, links to the field, choices by arrow keys', async () => {
    const page = await (await browser!.newContext({ locale: 'nl-NL' })).newPage()
    await login(page, server!.base, 'Toetsenbord Gebruiker')
    await page.goto(`${server!.base}/`)
    // The first Tab stop is the skip link.
    await page.keyboard.press('Tab')
    expect(await isFocused(page.getByRole('link', { name: 'Naar de inhoud' }))).toBe(true)
    // Tab to the start button and press Enter.
    const start = page.getByRole('button', { name: 'Nieuwe aanmelding starten' })
    for (let i = 0; i < 15 && !(await isFocused(start)); i++) await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/intake$/)

    // Submit the empty step with Enter on "Volgende": the error summary gets focus.
    const next = page.getByRole('button', { name: 'Volgende', exact: true })
    for (let i = 0; i < 30 && !(await isFocused(next)); i++) await page.keyboard.press('Tab')
    expect(await isFocused(next)).toBe(true)
    await page.keyboard.press('Enter')
    expect(await isFocused(page.locator('.error-summary'))).toBe(true)

    // Follow the first error link to its field and answer both questions with arrow keys.
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    const danger = page.getByRole('group', { name: /acuut gevaar/ })
    expect(await isFocused(danger.getByLabel('Ja', { exact: true }))).toBe(true)
    await page.keyboard.press('ArrowDown')
    expect(await danger.getByLabel('Nee', { exact: true }).isChecked()).toBe(true)
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowDown')
    const consultation = page.getByRole('group', { name: /anonieme consultatie/ })
    expect(await consultation.getByLabel('Nee', { exact: true }).isChecked()).toBe(true)
    for (let i = 0; i < 5 && !(await isFocused(next)); i++) await page.keyboard.press('Tab')
    await Promise.all([page.waitForURL(/\/intake$/), page.keyboard.press('Enter')])
    await visible(page.getByRole('heading', { name: 'Over jou' }))
    expect(await currentStep(page)).toBe('referrer')
  })
})
