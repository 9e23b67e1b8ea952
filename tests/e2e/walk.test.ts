// The acceptance walk of issue 13: every intake path (a whole regular intake, the GP path, the anonymous
// consultation, the urgent path) at 390 px and 1280 px, in Dutch and English, in Debian's chromium
// against `npm run dev`. Every page of every walk: axe finds no serious or critical violation, nothing
// scrolls sideways, focus is on the step's heading, no required field says "(optioneel)".
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { interventionName, t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { parseIntake } from '../../src/domain/intake'
import { reasonGroups, route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import { loadSample } from '../fixtures/samples'
import {
  isFocused,
  launchBrowser,
  requiredMarkedOptional,
  scrollsSideways,
  seriousViolations,
} from './browser'
import { type DevServer, freePort, startDevServer } from './dev-server'
import { PATHS, type PathName, regularIntake, walk } from './walks'

const LANGS: Lang[] = ['nl', 'en']
const WIDTHS = [390, 1280]

/**
 * Which walks run. Every path runs in Dutch and in English and at 390 and 1280 px; by default in two
 * walks (pairwise: nl at one width, en at the other, alternating between paths so that every pairing of
 * language and width is walked) to keep the e2e suite within a few minutes. `RET_E2E_FULL=1` walks every
 * path in all four pairings (16 walks).
 */
function walks(full: boolean): { path: PathName; lang: Lang; width: number }[] {
  return PATHS.flatMap((path, i) =>
    LANGS.flatMap((lang, l) =>
      WIDTHS.filter((_, w) => full || (w + l + i) % 2 === 0).map((width) => ({ path, lang, width })),
    ),
  )
}

/** The text of the page's main content, spaces collapsed. */
async function mainText(page: Page): Promise<string> {
  return ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ')
}

/** The `tel:` links in the page's main content. */
function telLinks(page: Page): Promise<string[]> {
  return page
    .locator('main a[href^="tel:"]')
    .evaluateAll((as) =>
      as.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')),
    )
}

/** What every page of every walk must be. */
async function checkPage(name: string, page: Page, lang: Lang): Promise<void> {
  const problems: string[] = []
  const [, phase, id] = name.split(':')
  if (name.startsWith('intake:')) {
    // After each step focus lands on the step's heading (issue 13 §14).
    if (!(await isFocused(page.locator('h1')))) problems.push('focus is not on the heading')
    if (phase === 'step' && id) {
      const marked = await requiredMarkedOptional(page, lang, id)
      if (marked.length > 0) problems.push(`required but marked optional: ${marked.join('; ')}`)
    }
  }
  const violations = await seriousViolations(page)
  if (violations.length > 0) problems.push(`axe: ${violations.join(', ')}`)
  if (await scrollsSideways(page)) problems.push('scrolls sideways')
  expect(problems, `${name} (${lang}, ${page.viewportSize()?.width} px)`).toEqual([])
}

/** The review of the regular intake groups the reasons under the intervention they scored for (§11). */
async function checkReasonGroups(page: Page, lang: Lang): Promise<void> {
  const sample = loadSample('ro3')
  const parsed = parseIntake(regularIntake())
  if (!parsed.ok) throw new Error('the regular intake does not parse')
  const decision = route(parsed.value, DEFAULT_RULES, new Date())
  expect(decision.primary).toBe(sample.expected.primary)
  const expected = reasonGroups(decision).map((g) => ({
    heading: t(lang, 'web.intake.review.reasonsFor', {
      intervention: interventionName(lang, g.intervention),
      score: g.score,
    }),
    reasons: g.reasons.map(
      (r) => `${r.weight > 0 ? `+${r.weight}: ` : r.weight < 0 ? `${r.weight}: ` : ''}${r[lang]}`,
    ),
  }))
  // At least two interventions scored: the grouping is what is tested, not one flat list.
  expect(expected.length).toBeGreaterThanOrEqual(2)
  const shown = await page.locator('.decision .reason-group').evaluateAll((sections) =>
    sections.map((s) => {
      const el = s as unknown as {
        querySelector(q: string): { textContent: string }
        querySelectorAll(q: string): { textContent: string }[]
      }
      return {
        heading: el.querySelector('h4').textContent.trim(),
        reasons: Array.from(el.querySelectorAll('li')).map((li) => li.textContent.trim()),
      }
    }),
  )
  expect(shown).toEqual(expected)
  expect((await page.locator('.decision .primary-route').textContent())?.trim()).toBe(
    interventionName(lang, sample.expected.primary),
  )
}

/** The checks of one path on its own pages, besides those of every page. */
async function checkPath(path: PathName, name: string, page: Page, lang: Lang): Promise<void> {
  const text = await mainText(page)
  if (path === 'regular' && name === 'intake:review:review') await checkReasonGroups(page, lang)
  if (path === 'gp' && name === 'intake:notice:G4') {
    // A GP is not the referrer: the bot points to the local team and offers an anonymous consultation.
    expect((await page.locator('h1').textContent())?.trim()).toBe(t(lang, 'dialogue.notices.G4.title'))
    expect(text).toContain(t(lang, 'dialogue.notices.G4.localTeam'))
    expect(text).toContain(t(lang, 'dialogue.notices.G4.consultation'))
  }
  if (path === 'gp' && name === 'intake:step:child') {
    expect(text).toContain(t(lang, 'dialogue.inline.gpConsultation.body'))
  }
  if ((path === 'gp' || path === 'consultation') && name === 'intake:step:child') {
    // An anonymous consultation asks for no initial.
    expect(await page.locator('#f-child-pseudonym').count()).toBe(0)
  }
  if ((path === 'gp' || path === 'consultation') && name === 'intake:review:review') {
    expect(text).toContain(t(lang, 'dialogue.review.consultationBody'))
  }
  if (path === 'urgent' && name === 'intake:notice:G1') {
    expect(await telLinks(page)).toEqual(expect.arrayContaining(['tel:112', 'tel:08002000']))
  }
  if (path === 'urgent' && name === 'intake:step:referrer') {
    // The chairs call back: the phone number is required, and shown so (issue 13 §1, §4).
    const phoneLabel = (await page.locator('label[for="f-referrer-phone"]').textContent()) ?? ''
    expect(phoneLabel).not.toContain(t(lang, 'web.intake.optional'))
  }
  if (name === 'done') {
    const next = ((await page.locator('#next').textContent()) ?? '').trim()
    if (path === 'urgent') {
      expect(next).toBe(t(lang, 'dialogue.receipt.callBack'))
      expect(await telLinks(page)).toEqual(expect.arrayContaining(['tel:112', 'tel:08002000']))
    } else {
      expect(next).toBe(t(lang, 'dialogue.receipt.regular'))
      expect(await telLinks(page)).toEqual([])
    }
  }
}

describe('the acceptance walk (issue 13): every path, 390 and 1280 px, nl and en, axe on every page', () => {
  let persistDir = ''
  let server: DevServer | null = null
  let browser: Browser | null = null

  beforeAll(async () => {
    persistDir = mkdtempSync(join(tmpdir(), 'ret-e2e-walk-'))
    server = await startDevServer(await freePort(), persistDir)
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(persistDir, { recursive: true, force: true })
  })

  const cases = walks(process.env.RET_E2E_FULL === '1')
  it.each(cases.map((c) => [`${c.path} path, ${c.lang}, ${c.width} px`, c] as const))(
    '%s',
    async (_, { path, lang, width }) => {
      const context = await browser!.newContext({
        locale: lang === 'nl' ? 'nl-NL' : 'en-GB',
        viewport: { width, height: 844 },
      })
      const page = await context.newPage()
      const seen: string[] = []
      try {
        await walk(page, server!.base, {
          path,
          lang,
          user: `Walk ${path} ${lang} ${width}`,
          onPage: async (name) => {
            seen.push(name)
            await checkPage(name, page, lang)
            await checkPath(path, name, page, lang)
          },
        })
      } finally {
        await context.close()
      }
      // The walk went where the path goes.
      expect(seen).toContain('intake:review:review')
      if (path === 'gp') expect(seen).toContain('intake:notice:G4')
      if (path === 'urgent') expect(seen).toContain('intake:notice:G1')
      if (path !== 'gp') expect(seen).not.toContain('intake:notice:G4')
      expect(seen.slice(-2)).toEqual(['done', 'cases'])
    },
    // One walk takes 15–35 s, more on a busy machine.
    240_000,
  )
})
