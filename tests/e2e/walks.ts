// The intake paths of the acceptance walk (issue 13), each a whole intake from sign-in to the receipt, in
// either language. Used by tests/e2e/walk.test.ts (which checks every page: axe, focus, no sideways
// scroll, no "(optioneel)" on a required field) and by scripts/screenshots.ts (which photographs them).
import type { Page } from 'playwright-core'
import { t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { loadSample } from '../fixtures/samples'
import {
  answerStep,
  answersOf,
  currentPhase,
  currentStep,
  login,
  navigating,
  press,
  REFERENCE,
  type StepAnswers,
  visible,
} from './browser'

export const PATHS = ['regular', 'gp', 'consultation', 'urgent'] as const
export type PathName = (typeof PATHS)[number]

export interface WalkPlan {
  answers: StepAnswers
  /** Which choice to take on a notice page (gate id → choice id). */
  choices: Record<string, string>
}

function withStart(answers: StepAnswers, start: Record<string, string>): StepAnswers {
  return { ...answers, start: { ...answers.start, ...start } }
}

/** The intake of a sample with some answers changed (a path into the object: value). */
function sampleIntake(name: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const intake = structuredClone(loadSample(name).intake)
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.')
    const last = keys.pop() as string
    const parent = keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, intake)
    parent[last] = value
  }
  return intake
}

/**
 * The regular intake of the walk: sample-ro3 (RO3: three parties without a case director, a thuiszitter)
 * with 7 months without progress and failing protocols, so that the Experttafel scores too and the review
 * has reasons for two interventions.
 */
export function regularIntake(): Record<string, unknown> {
  return sampleIntake('ro3', { 'help.monthsWithoutProgress': 7, 'help.protocolsFailing': true })
}

/**
 * (a) a whole regular intake (regularIntake: RO3 with the Experttafel as alternative); (b) a GP (huisarts)
 * files a referral: the bot points to the local team (G4) and the GP continues as an anonymous
 * consultation; (c) an anonymous consultation from the start; (d) the urgent path (G1 → spoedmelding).
 */
export function plan(path: PathName): WalkPlan {
  switch (path) {
    case 'regular':
      return { answers: answersOf(regularIntake()), choices: {} }
    case 'gp':
      return {
        answers: withStart(answersOf(sampleIntake('consultation')), { consultationOnly: 'false' }),
        choices: { G4: 'consultation' },
      }
    case 'consultation':
      return {
        answers: answersOf(sampleIntake('consultation', { 'referrer.role': 'lokaal_team' })),
        choices: {},
      }
    case 'urgent':
      return {
        answers: {
          start: { acuteDanger: 'true', consultationOnly: 'false' },
          referrer: {
            'referrer.name': 'S. Spoed',
            'referrer.organisation': 'Lokaal team Emmen',
            'referrer.role': 'lokaal_team',
            'referrer.email': 'spoed@example.org',
            'referrer.phone': '06-12345678',
          },
          child: { 'child.birthYear': '2012', 'child.municipality': 'Emmen' },
          question: { question: 'Jongere kan vannacht niet thuis slapen.' },
        },
        choices: { G1: 'spoedmelding' },
      }
  }
}

/** Called on every page of a walk, after it loaded: `intake:<phase>:<id>`, `done`, `cases`. */
export type OnPage = (name: string, page: Page) => Promise<void>

/**
 * Walks one path from the landing page to the receipt and "Mijn casussen": signs in (switching the
 * language first for English), starts a referral, answers every step, takes the planned choice on each
 * notice, submits on the review. Returns the case reference.
 */
export async function walk(
  page: Page,
  base: string,
  options: { path: PathName; lang: Lang; user: string; onPage: OnPage },
): Promise<string> {
  const { lang, onPage } = options
  const { answers, choices } = plan(options.path)
  await login(page, base, options.user, lang)
  await navigating(page, () =>
    page.getByRole('button', { name: t(lang, 'web.landing.start'), exact: true }).click(),
  )
  for (let i = 0; i < 30; i++) {
    const phase = await currentPhase(page)
    const id = await currentStep(page)
    await onPage(`intake:${phase}:${id}`, page)
    if (phase === 'notice') {
      const choice = choices[id]
      if (!choice) throw new Error(`no choice planned for notice ${id}`)
      await press(page, lang, `dialogue.notices.${id}.choices.${choice}`)
      continue
    }
    if (phase === 'review') {
      await press(page, lang, 'dialogue.actions.submit')
      break
    }
    const step = answers[id]
    if (!step) throw new Error(`no answers for step ${id}`)
    await answerStep(page, lang, step)
    await press(page, lang, 'dialogue.actions.next')
    const errors = await page.locator('.error-summary').count()
    if (errors > 0) throw new Error(`step ${id} refused: ${await page.locator('.error-summary').innerText()}`)
  }
  await visible(page.getByRole('heading', { name: t(lang, 'web.done.title') }))
  const reference = (await page.locator('#reference').textContent())?.trim() ?? ''
  if (!REFERENCE.test(reference)) throw new Error(`no case reference on the receipt: "${reference}"`)
  await onPage('done', page)
  await page.getByRole('link', { name: t(lang, 'web.done.cases') }).click()
  await visible(page.getByRole('rowheader', { name: reference }))
  await onPage('cases', page)
  return reference
}
