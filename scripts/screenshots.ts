// Renders the chairs' Teams channel card from its JSON (docs/images/teams-channel-card*.png, linked from
// docs/teams.md): the card JSON that `buildTeamsCaseCard` sends to Teams, drawn by Microsoft's own
// Adaptive Cards renderer (`adaptivecards`, dev dependency) in Debian's chromium (playwright-core). The
// card is the one a new sample case gets (sample-experttafel, routed by the default rules), and the same
// card with the reroute inputs opened (Action.ShowCard) and with a spoedmelding.
// The web intake (docs/images/web-intake-*.png, linked from README.md): the acceptance walk of
// tests/e2e/walks.ts (a whole regular intake, the GP path, the urgent path, in Dutch and English, at 390
// and 1280 px) against its own `npm run dev`, photographed on the way.
// Usage: npx tsx scripts/screenshots.ts [cards] [web] (both when none is named). Not part of `npm test`.
// The web console's screenshots are made by tests/e2e/console.test.ts. The card's 🚨 needs a colour
// emoji font: fonts-noto-color-emoji is installed with apt-get when missing, as
// scripts/pdf-sample-images.ts does for poppler.
import { execFileSync, execSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { buildTeamsCaseCard, type TeamsCaseCard } from '../adapters/teams/case-card'
import type { CaseCardSummary } from '../src/domain/case-card'
import { parseIntake } from '../src/domain/intake'
import { route } from '../src/domain/routing'
import { DEFAULT_RULES } from '../src/domain/rules'
import { CHROMIUM, launchBrowser } from '../tests/e2e/browser'
import { freePort, startDevServer } from '../tests/e2e/dev-server'
import { type PathName, walk } from '../tests/e2e/walks'
import { loadSample } from '../tests/fixtures/samples'

const out = fileURLToPath(new URL('../docs/images/', import.meta.url))
const RENDERER = readFileSync(
  createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js'),
  'utf8',
)

/** The card summary of the sample case as the channel shows it right after submission. */
function sampleSummary(over: Partial<CaseCardSummary> = {}): CaseCardSummary {
  const parsed = parseIntake(structuredClone(loadSample('experttafel').intake))
  if (!parsed.ok) throw new Error('sample-experttafel does not parse')
  const decision = route(parsed.value, DEFAULT_RULES, new Date('2026-12-01T09:00:00Z'))
  return {
    reference: 'RET-2026-0042',
    status: 'submitted',
    version: 1,
    suggested: decision.primary,
    chosen: null,
    alternatives: decision.alternatives,
    reasons: decision.reasons.map((r) => ({ nl: r.nl, en: r.en })),
    municipality: parsed.value.child.municipality,
    ageBand: '12–15',
    urgency: parsed.value.urgency,
    analysisMissing: decision.missing.includes('analysis'),
    consultationOnly: false,
    gates: decision.gates.map((g) => g.gate),
    missing: decision.missing,
    leadSlackUserId: null,
    leadOtherSurface: null,
    scheduledFor: null,
    ...over,
  }
}

/** A page that looks like a Teams channel post: the renderer with a Teams-like host config. */
const PAGE = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 16px; background: #f5f5f5; font-family: "Segoe UI", "DejaVu Sans", sans-serif; }
  .post { max-width: 560px; background: #fff; border-radius: 4px; box-shadow: 0 1px 3px rgba(0,0,0,.15); padding: 12px 16px; }
  .who { font-size: 13px; color: #616161; margin-bottom: 8px; } .who b { color: #242424; }
  .ac-pushButton { border: 1px solid #d1d1d1; border-radius: 4px; background: #fff; color: #242424; padding: 5px 12px;
    font: 600 13px "Segoe UI", "DejaVu Sans", sans-serif; cursor: pointer; }
  .ac-pushButton.expanded { background: #e8ebfa; border-color: #5b5fc7; }
  .ac-actionSet, .ac-actionSet > div { flex-wrap: wrap !important; row-gap: 8px; }
  .ac-input { font: 13px "Segoe UI", "DejaVu Sans", sans-serif; }
  .ac-textInput, .ac-multichoiceInput, .ac-dateInput, .ac-timeInput { border: 1px solid #d1d1d1; border-radius: 4px; padding: 4px 6px; }
</style></head><body><div class="post"><div class="who"><b>RET-intake</b> (bot) · RET-triage</div><div id="card"></div></div></body></html>`

const HOST_CONFIG = {
  fontFamily: '"Segoe UI", "DejaVu Sans", sans-serif',
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 12 },
  fontSizes: { small: 12, default: 14, medium: 15, large: 18, extraLarge: 22 },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7', subtle: '#8B8CC7' },
        attention: { default: '#C4314B', subtle: '#D74654' },
        good: { default: '#237B4B', subtle: '#2E8B57' },
        warning: { default: '#835C00', subtle: '#B8860B' },
      },
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: { default: { default: '#242424', subtle: '#616161' } },
    },
    attention: {
      backgroundColor: '#FCF4F6',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        attention: { default: '#C4314B', subtle: '#D74654' },
      },
    },
  },
  actions: {
    maxActions: 10,
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 12 },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
}

async function cardShots(browser: Browser): Promise<void> {
  const page = await (
    await browser.newContext({ viewport: { width: 600, height: 400 }, locale: 'nl-NL' })
  ).newPage()
  const shots: { name: string; card: TeamsCaseCard; open?: string }[] = [
    {
      name: 'teams-channel-card',
      card: buildTeamsCaseCard(sampleSummary(), 'nl', { caseUrlBase: 'https://ret.example.org' }),
    },
    {
      name: 'teams-channel-card-reroute',
      card: buildTeamsCaseCard(sampleSummary(), 'nl', { caseUrlBase: 'https://ret.example.org' }),
      open: 'Andere route',
    },
    {
      name: 'teams-channel-card-acute',
      card: buildTeamsCaseCard(
        sampleSummary({ reference: 'RET-2026-0043', urgency: 'acuut', gates: ['G1'] }),
        'nl',
        {
          caseUrlBase: 'https://ret.example.org',
        },
      ),
    },
  ]
  for (const shot of shots) {
    await page.setContent(PAGE)
    await page.addScriptTag({ content: RENDERER })
    const problems = (await page.evaluate(
      ([card, hostConfig]) => {
        // The page's globals: the renderer's UMD global and the document (this code runs in chromium).
        // biome-ignore lint/suspicious/noExplicitAny: the renderer ships no global type declaration
        const page = globalThis as any
        const AC = page.AdaptiveCards
        const adaptive = new AC.AdaptiveCard()
        adaptive.hostConfig = new AC.HostConfig(hostConfig)
        // Whatever the renderer could not read (unknown elements or properties) or finds invalid.
        const errors: unknown[] = []
        const context = new AC.SerializationContext()
        adaptive.parse(card, context)
        for (let i = 0; i < context.eventCount; i++) errors.push(context.getEventAt(i))
        const rendered = adaptive.render()
        page.document.getElementById('card').appendChild(rendered)
        errors.push(...adaptive.validateProperties().validationEvents)
        return errors
          .filter(
            // Teams' people picker (assign a lead): `choices.data` is a Teams extension the generic
            // renderer does not know, so it sees a choice set without choices.
            (e) => !JSON.stringify(e).includes('"choices.data"'),
          )
          .map((e) => JSON.stringify(e))
      },
      [shot.card, HOST_CONFIG] as const,
    )) as string[]
    if (problems.length) throw new Error(`${shot.name}: the renderer reports ${problems.join('; ')}`)
    if (shot.open) await page.getByRole('button', { name: shot.open, exact: true }).click()
    writeFileSync(`${out}${shot.name}.json`, `${JSON.stringify(shot.card, null, 2)}\n`)
    await page.locator('.post').screenshot({ path: `${out}${shot.name}.png` })
    console.log(`docs/images/${shot.name}.png (from docs/images/${shot.name}.json)`)
  }
}

/**
 * The web intake's screenshots: which walk (path, language, width) and which of its pages (as the walk
 * names them, see tests/e2e/walks.ts) become which image.
 */
/** The review is long (every answer): its picture is the suggestion with the reasons per intervention. */
const PART: Record<string, string> = { 'intake:review:review': '.decision' }

const WEB_SHOTS: { path: PathName; lang: 'nl' | 'en'; width: number; pages: Record<string, string> }[] = [
  ...[390, 1280].map((width) => ({
    path: 'regular' as const,
    lang: 'nl' as const,
    width,
    pages: {
      'intake:step:legal': `web-intake-step-${width}`,
      'intake:review:review': `web-intake-review-${width}`,
      done: `web-intake-receipt-${width}`,
      cases: `web-intake-cases-${width}`,
    },
  })),
  ...[390, 1280].map((width) => ({
    path: 'urgent' as const,
    lang: 'nl' as const,
    width,
    pages: {
      'intake:notice:G1': `web-intake-urgent-notice-${width}`,
      done: `web-intake-urgent-receipt-${width}`,
    },
  })),
  { path: 'gp', lang: 'nl', width: 390, pages: { 'intake:notice:G4': 'web-intake-gp-notice-390' } },
  {
    path: 'regular',
    lang: 'en',
    width: 1280,
    pages: { 'intake:review:review': 'web-intake-review-en-1280', done: 'web-intake-receipt-en-1280' },
  },
  { path: 'gp', lang: 'en', width: 390, pages: { 'intake:notice:G4': 'web-intake-gp-notice-en-390' } },
]

async function webShots(browser: Browser): Promise<void> {
  const persistDir = mkdtempSync(join(tmpdir(), 'ret-screenshots-'))
  const server = await startDevServer(await freePort(), persistDir)
  try {
    for (const shot of WEB_SHOTS) {
      const context = await browser.newContext({
        locale: shot.lang === 'nl' ? 'nl-NL' : 'en-GB',
        viewport: { width: shot.width, height: 844 },
      })
      const page = await context.newPage()
      await walk(page, server.base, {
        path: shot.path,
        lang: shot.lang,
        user: shot.lang === 'nl' ? 'Sanne de Vries' : 'Sam de Vries',
        onPage: async (name) => {
          const file = shot.pages[name]
          if (!file) return
          const part = PART[name]
          if (part) await page.locator(part).screenshot({ path: `${out}${file}.png` })
          else await page.screenshot({ path: `${out}${file}.png`, fullPage: true })
          console.log(`docs/images/${file}.png`)
        },
      })
      await context.close()
    }
  } finally {
    await server.stop()
    rmSync(persistDir, { recursive: true, force: true })
  }
}

async function main(which: string[]): Promise<void> {
  const browser = await launchBrowser()
  try {
    if (which.includes('cards')) await cardShots(browser)
    if (which.includes('web')) await webShots(browser)
  } finally {
    await browser.close()
  }
}

function ensureEmojiFont(): void {
  const fonts = execFileSync('fc-list', { encoding: 'utf8' })
  if (/emoji/i.test(fonts)) return
  console.log('screenshots: no colour emoji font, installing fonts-noto-color-emoji…')
  execSync(
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji',
    {
      stdio: 'inherit',
      shell: '/bin/bash',
    },
  )
}

const which = process.argv.slice(2).filter((a) => a === 'cards' || a === 'web')
const chosen = which.length > 0 ? which : ['cards', 'web']
execFileSync(CHROMIUM, ['--version'], { stdio: 'ignore' })
if (chosen.includes('cards')) ensureEmojiFont()
await main(chosen)
