import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { label, t } from '../../src/domain/copy'
import { DEFAULT_SCRIPT, type ItemField, type ScriptField } from '../../src/domain/script'
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
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const SHOTS = join(process.cwd(), 'docs/images')

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

/** Whether the page scrolls sideways (content wider than the viewport). */
function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1',
  ) as Promise<boolean>
}
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

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A label as rendered: the text, plus "(optioneel)" or "(verplicht als dit van toepassing is)" where it says so. */
const labelled = (text: string) =>
  new RegExp(
    `^${escapeRegExp(text)}( \\((optioneel|verplicht als dit van toepassing is)\\))?( \\((dd-mm-jjjj|mm-jjjj)\\))?$`,
  )

function fieldOf(path: string): { field: ScriptField; item?: ItemField; row?: number } {
  const row = path.match(/^(.+)\[(\d+)\]\.(.+)$/)
  for (const step of DEFAULT_SCRIPT.steps) {
    for (const field of step.fields) {
      if (row && field.path === row[1]) {
        const item = field.items?.find((i) => i.path === row[3])
        if (item) return { field, item, row: Number(row[2]) }
      }
      if (field.path === path) return { field }
    }
  }
  throw new Error(`no field ${path}`)
}

function optionLabel(field: ItemField, value: string): string {
  if (field.kind === 'boolean') return value === 'true' ? 'Ja' : 'Nee'
  return label('nl', field.enum!, value)
}

/** Fills one answer the way a person would: by the visible label of the field or the option. */
async function fill(page: Page, path: string, value: string | string[]) {
  const { field, item, row } = fieldOf(path)
  let scope: Locator = page.locator('main')
  let target: ItemField = field
  if (item && row !== undefined) {
    scope = scope
      .getByRole('group', { name: labelled(t('nl', field.label)) })
      .getByRole('group', { name: `Regel ${row + 1}`, exact: true })
    target = item
  }
  const name = labelled(t('nl', target.label))
  switch (target.kind) {
    case 'boolean':
    case 'radio':
      await scope
        .getByRole('group', { name })
        .getByLabel(optionLabel(target, value as string), { exact: true })
        .check()
      return
    case 'checkboxes':
      for (const v of value as string[])
        await scope.getByRole('group', { name }).getByLabel(optionLabel(target, v), { exact: true }).check()
      return
    case 'select':
      await scope.getByLabel(name).selectOption(value as string)
      return
    default:
      await scope.getByLabel(name).fill(value as string)
  }
}

/** Waits until the element is visible (fails the test after 15 s). */
async function visible(locator: Locator) {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 })
}

/** Whether the element has the keyboard focus. */
function isFocused(locator: Locator): Promise<boolean> {
  // Runs in the page: `document` is the browser's (this file type-checks without the DOM library).
  return locator.evaluate(
    (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
  )
}

async function currentStep(page: Page): Promise<string> {
  return page.locator('input[name="_step"]').first().getAttribute('value') as Promise<string>
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

async function login(page: Page, base: string, name: string) {
  await page.goto(`${base}/`)
  await page.getByRole('link', { name: 'Inloggen (ontwikkeling)' }).first().click()
  await page.getByLabel('Je naam', { exact: true }).fill(name)
  await page.getByLabel('Verwijzer', { exact: true }).check()
  await page.getByRole('button', { name: 'Inloggen', exact: true }).click()
  await page.getByText(`Ingelogd als ${name}`).waitFor()
}

describe('intake in a real browser', () => {
  let persistDir = ''
  let port = 0
  let server: DevServer | null = null
  let browser: Browser | null = null
  let reference = ''

  const launch = () => chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })

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
    expect(await page.getByLabel(labelled('Je naam')).inputValue()).toBe(NAME)
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

  it.each([390, 1280])(
    'the urgent path at %i px: crisis numbers as tel: links, a call back now, axe clean, no sideways scroll (issue 13 §2, §14)',
    async (width) => {
      const base = server!.base
      const context = await browser!.newContext({ locale: 'nl-NL', viewport: { width, height: 844 } })
      const page = await context.newPage()
      await login(page, base, `Spoed ${width}`)
      await page.getByRole('button', { name: 'Nieuwe aanmelding starten' }).click()
      // focus lands on the step heading
      expect(await isFocused(page.locator('h1'))).toBe(true)
      await fill(page, 'acuteDanger', 'true')
      await fill(page, 'consultationOnly', 'false')
      await page.getByRole('button', { name: 'Volgende', exact: true }).click()
      await visible(page.getByRole('heading', { name: 'Er is acuut gevaar' }))
      const tel = await page
        .locator('main a[href^="tel:"]')
        .evaluateAll((as) =>
          as.map((a) => [
            (a as unknown as { getAttribute(n: string): string }).getAttribute('href'),
            (a as unknown as { className: string }).className,
          ]),
        )
      expect(tel).toEqual(
        expect.arrayContaining([
          ['tel:112', 'tel'],
          ['tel:08002000', 'tel'],
        ]),
      )
      expect(await seriousViolations(page)).toEqual([])
      expect(await scrollsSideways(page)).toBe(false)
      await page.screenshot({ path: join(SHOTS, `web-intake-urgent-notice-${width}.png`), fullPage: true })

      await page.getByRole('button', { name: 'Korte spoedmelding doen' }).click()
      await fill(page, 'referrer.name', `Spoed ${width}`)
      await fill(page, 'referrer.organisation', 'Lokaal team Emmen')
      await fill(page, 'referrer.role', 'lokaal_team')
      await fill(page, 'referrer.email', 'spoed@example.org')
      await fill(page, 'referrer.phone', '06-12345678')
      await page.getByRole('button', { name: 'Volgende', exact: true }).click()
      await fill(page, 'child.birthYear', '2012')
      await fill(page, 'child.municipality', 'Emmen')
      await page.getByRole('button', { name: 'Volgende', exact: true }).click()
      await fill(page, 'question', 'Jongere kan vannacht niet thuis slapen.')
      await page.getByRole('button', { name: 'Volgende', exact: true }).click()
      await page.getByRole('button', { name: 'Aanmelding versturen' }).click()
      await visible(page.getByRole('heading', { name: 'Aanmelding verstuurd' }))
      const text = (await page.locator('main').textContent()) ?? ''
      expect(text).toContain('bellen je nu terug')
      expect(text).not.toMatch(/3 werkdagen/)
      expect(await page.locator('main a[href="tel:112"]').count()).toBe(1)
      expect(await page.locator('main a[href="tel:08002000"]').count()).toBe(1)
      expect(await seriousViolations(page)).toEqual([])
      expect(await scrollsSideways(page)).toBe(false)
      await page.screenshot({ path: join(SHOTS, `web-intake-urgent-receipt-${width}.png`), fullPage: true })
      await context.close()
    },
  )

  it('keeps the case and the half-done draft when npm run dev restarts', async () => {
    expect(reference).toMatch(REFERENCE)
    await server!.stop()
    server = await startDevServer(port, persistDir)
    const page = await (await browser!.newContext({ locale: 'nl-NL' })).newPage()
    await login(page, server.base, NAME)
    await page.getByRole('link', { name: 'Verder met mijn aanmelding' }).click()
    expect(await currentStep(page)).toBe('referrer')
    expect(await page.getByLabel(labelled('Je naam')).inputValue()).toBe('Half klaar')
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
