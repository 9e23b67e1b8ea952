// The web intake as a person uses it, in Debian's chromium (playwright-core): shared by the e2e tests
// (tests/e2e/intake.test.ts, tests/e2e/walk.test.ts) and the screenshot script (scripts/screenshots.ts).
// Fields are found by their visible label in the page's language, options by their visible text.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { type Browser, chromium, type Locator, type Page } from 'playwright-core'
import { label, t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { DEFAULT_SCRIPT, type ItemField, type ScriptField } from '../../src/domain/script'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
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
export const REFERENCE = /RET-\d{4}-\d{4}/

/** One headless chromium (Debian's). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core in the page (evaluated over the protocol, so the page's CSP stays as it is). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const result = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))',
  )) as { id: string; impact: string | null; nodes: number }[]
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes} nodes)`)
}

/** Whether the page scrolls sideways (content wider than the viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth + 1',
  ) as Promise<boolean>
}

/** Waits until the element is visible (fails the test after 15 s). */
export async function visible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 })
}

/** Whether the element has the keyboard focus. */
export function isFocused(locator: Locator): Promise<boolean> {
  // Runs in the page: `document` is the browser's (this file type-checks without the DOM library).
  return locator.evaluate(
    (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
  )
}

/** The step (or notice) id of the intake page on screen. */
export async function currentStep(page: Page): Promise<string> {
  return (await page.locator('input[name="_step"]').first().getAttribute('value')) ?? ''
}

/** The phase of the intake page on screen: `step`, `notice` or `review`. */
export async function currentPhase(page: Page): Promise<string> {
  return (await page.locator('input[name="_phase"]').first().getAttribute('value')) ?? ''
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A label as rendered: the text, plus "(optioneel)" or "(verplicht als …)" where it says so, and a date format. */
export function labelled(lang: Lang, text: string): RegExp {
  const marks = ['web.intake.optional', 'web.intake.requiredWhenApplies']
    .map((k) => escapeRegExp(t(lang, k).replace(/^\(|\)$/g, '')))
    .join('|')
  const formats = ['web.intake.format.date', 'web.intake.format.month']
    .map((k) => escapeRegExp(t(lang, k)))
    .join('|')
  return new RegExp(`^${escapeRegExp(text)}( \\((${marks})\\))?( \\((${formats})\\))?$`)
}

/** The script field (and list item) of a form path such as `referrer.name` or `help.history[0].what`. */
export function fieldOf(path: string): { field: ScriptField; item?: ItemField; row?: number } {
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

function optionLabel(lang: Lang, field: ItemField, value: string): string {
  if (field.kind === 'boolean') return t(lang, value === 'true' ? 'web.intake.yes' : 'web.intake.no')
  if (!field.enum) throw new Error(`field ${field.path} has no options`)
  return label(lang, field.enum, value)
}

/** Fills one answer the way a person would: by the visible label of the field or the option. */
export async function fill(page: Page, path: string, value: string | string[], lang: Lang = 'nl') {
  const { field, item, row } = fieldOf(path)
  let scope: Locator = page.locator('main')
  let target: ItemField = field
  if (item && row !== undefined) {
    scope = scope
      .getByRole('group', { name: labelled(lang, t(lang, field.label)) })
      .getByRole('group', { name: t(lang, 'web.intake.row', { n: row + 1 }), exact: true })
    target = item
  }
  const name = labelled(lang, t(lang, target.label))
  switch (target.kind) {
    case 'boolean':
    case 'radio':
      await scope
        .getByRole('group', { name })
        .getByLabel(optionLabel(lang, target, value as string), { exact: true })
        .check()
      return
    case 'checkboxes':
      for (const v of value as string[])
        await scope
          .getByRole('group', { name })
          .getByLabel(optionLabel(lang, target, v), { exact: true })
          .check()
      return
    case 'select':
      await scope.getByLabel(name).selectOption(value as string)
      return
    default:
      await scope.getByLabel(name).fill(value as string)
  }
}

/**
 * Runs an action that loads a new page (a form post and its redirect) and waits until that page has
 * loaded: the old document is marked, so a new one is told apart even when the address stays the same.
 */
export async function navigating(page: Page, action: () => Promise<unknown>): Promise<void> {
  // Runs in the page (this file type-checks without the DOM library); functions, not strings: the
  // page's CSP forbids eval.
  type Marked = { __retOldPage?: boolean; document: { readyState: string } }
  await page.evaluate(() => {
    ;(globalThis as unknown as Marked).__retOldPage = true
  })
  await action()
  await page.waitForFunction(
    () => {
      const w = globalThis as unknown as Marked
      return !w.__retOldPage && w.document.readyState === 'complete'
    },
    undefined,
    { timeout: 15_000 },
  )
}

/** Presses an intake action button by its copy key (`dialogue.actions.next`, …) and waits for the next page. */
export async function press(page: Page, lang: Lang, key: string, params?: Record<string, string>) {
  await navigating(page, () => page.getByRole('button', { name: t(lang, key, params), exact: true }).click())
}

/** Signs in with the development sign-in as a referrer, in the given language (the header's switch). */
export async function login(page: Page, base: string, name: string, lang: Lang = 'nl') {
  await page.goto(`${base}/`)
  if (lang !== 'nl') {
    await navigating(page, () =>
      page.getByRole('button', { name: t(lang, `web.nav.${lang}`), exact: true }).click(),
    )
  }
  await page
    .getByRole('link', { name: t(lang, 'web.nav.login') })
    .first()
    .click()
  await page.getByLabel(t(lang, 'web.login.name'), { exact: true }).fill(name)
  await page.getByLabel(t(lang, 'web.login.roles.referrer'), { exact: true }).check()
  await page.getByRole('button', { name: t(lang, 'web.login.submit'), exact: true }).click()
  await page.getByText(t(lang, 'web.nav.signedInAs', { name })).waitFor()
}

/** What a person types or picks on each step, by step id and form path (option values, not labels). */
export type StepAnswers = Record<string, Record<string, string | string[]>>

function valueAt(data: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      data,
    )
}

/** A value as typed into the form: dates and months as the page asks for them (dd-mm-jjjj, mm-jjjj). */
function typed(kind: ItemField['kind'], value: unknown): string | string[] | null {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.length > 0 ? value.map(String) : null
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if ((kind === 'date' || kind === 'month') && typeof value === 'string')
    return value.split('-').reverse().join('-')
  return String(value)
}

/**
 * The answers of an intake (e.g. a sample from the shared fixtures) as a person enters them, step by step.
 * List rows become `path[i].item`; empty and null values are left unanswered.
 */
export function answersOf(intake: Record<string, unknown>): StepAnswers {
  const steps: StepAnswers = {}
  for (const step of DEFAULT_SCRIPT.steps) {
    const answers: Record<string, string | string[]> = {}
    for (const field of step.fields) {
      const value = valueAt(intake, field.path)
      if (field.kind === 'list') {
        const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : []
        rows.forEach((row, i) => {
          for (const item of field.items ?? []) {
            const v = typed(item.kind, row[item.path])
            if (v !== null) answers[`${field.path}[${i}].${item.path}`] = v
          }
        })
        continue
      }
      const v = typed(field.kind, value)
      if (v !== null) answers[field.path] = v
    }
    steps[step.id] = answers
  }
  return steps
}

/** The HTML id of a form field (as adapters/web/intake-page.tsx renders it). */
export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`
}

/**
 * Fills the answers of the step on screen: only the fields the page shows (a field whose condition does
 * not hold is not on the page). List rows beyond the first are added with the list's "add row" button.
 */
export async function answerStep(page: Page, lang: Lang, answers: Record<string, string | string[]>) {
  const rowsAdded = new Set<string>()
  for (const [path, value] of Object.entries(answers)) {
    const row = path.match(/^(.+)\[(\d+)\]\.(.+)$/)
    if (row && Number(row[2]) > 0 && !rowsAdded.has(`${row[1]}[${row[2]}]`)) {
      rowsAdded.add(`${row[1]}[${row[2]}]`)
      if ((await page.locator(`#${fieldId(path)}`).count()) === 0) {
        const list = fieldOf(path).field
        await navigating(page, () =>
          page
            .getByRole('group', { name: labelled(lang, t(lang, list.label)) })
            .getByRole('button', { name: t(lang, 'dialogue.actions.addRow'), exact: true })
            .click(),
        )
      }
    }
    if ((await page.locator(`#${fieldId(path)}`).count()) === 0) continue
    await fill(page, path, value, lang)
  }
}

/**
 * The labels of the fields on screen that are required now, each with whether it says "(optioneel)" /
 * "(optional)": a required field must never be marked optional (issue 13 §4).
 */
export async function requiredMarkedOptional(page: Page, lang: Lang, stepId: string): Promise<string[]> {
  const step = DEFAULT_SCRIPT.steps.find((s) => s.id === stepId)
  if (!step) return []
  const ids = step.fields.filter((f) => f.required).map((f) => fieldId(f.path))
  const labels = (await page.evaluate(
    `(${JSON.stringify(ids)}).map(id => { const el = document.getElementById(id); if (!el) return null;
      const own = el.type === 'radio' || el.type === 'checkbox' ? el.closest('fieldset').querySelector('legend') : document.querySelector('label[for="' + id + '"]');
      return own ? own.textContent : null }).filter(Boolean)`,
  )) as string[]
  const optional = t(lang, 'web.intake.optional')
  return labels.filter((l) => l.includes(optional))
}
