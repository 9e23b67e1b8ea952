// Renders the chairs' Teams channel card from its JSON (docs/images/teams-channel-card*.png, linked from
// docs/teams.md): the card JSON that `buildTeamsCaseCard` sends to Teams, drawn by Microsoft's own
// Adaptive Cards renderer (`adaptivecards`, dev dependency) in Debian's chromium (playwright-core). The
// card is the one a new sample case gets (sample-experttafel, routed by the default rules), and the same
// card with the reroute inputs opened (Action.ShowCard) and with a spoedmelding.
// Usage: npx tsx scripts/screenshots.ts. The web console's screenshots are made by
// tests/e2e/console.test.ts (they need the running service). The card's 🚨 needs a colour emoji font:
// fonts-noto-color-emoji is installed with apt-get when missing, as scripts/pdf-sample-images.ts does
// for poppler.
import { execFileSync, execSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { buildTeamsCaseCard, type TeamsCaseCard } from '../adapters/teams/case-card'
import type { CaseCardSummary } from '../src/domain/case-card'
import { parseIntake } from '../src/domain/intake'
import { route } from '../src/domain/routing'
import { DEFAULT_RULES } from '../src/domain/rules'
import { loadSample } from '../tests/fixtures/samples'

const out = fileURLToPath(new URL('../docs/images/', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
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

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    headless: true,
  })
  try {
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

execFileSync(CHROMIUM, ['--version'], { stdio: 'ignore' })
ensureEmojiFont()
await main()
