import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { pseudonymAad } from '../../src/ports/cipher'
import { type DevServer, freePort, startDevServer } from './dev-server'

/**
 * The coordinators' monitoring page in a real browser against `npm run dev` (issue 15 §3): cases are
 * written into the dev server's local D1 before it starts, then a coordinator opens /monitoring, filters
 * by municipality and downloads the CSV (aggregates only, counts under 5 as "<5"); a referrer gets 403.
 */

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
const WRANGLER = 'node_modules/.bin/wrangler'
const WRANGLER_ENV = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' }

/** The dev keys `npm run dev` uses (its override, or the default read from scripts/dev.mjs). */
function devEncryptionKeys(): string {
  if (process.env.RET_ENCRYPTION_KEYS) return process.env.RET_ENCRYPTION_KEYS
  const match = /ENCRYPTION_KEYS:[^\n]*?'([^'\n]+)'\s*,/.exec(readFileSync('scripts/dev.mjs', 'utf8'))
  if (!match?.[1]) throw new Error('ENCRYPTION_KEYS not found in scripts/dev.mjs')
  return match[1]
}

const DAY = 86_400_000
const iso = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString()

interface Seed {
  reference: string
  status: string
  municipality: string
  intervention: string
  submittedDaysAgo: number
}

/** Six closed ROP cases in Assen and two RST cases in Emmen (one still open), all in the last month. */
const SEEDS: Seed[] = [
  ...Array.from({ length: 6 }, (_, i) => ({
    reference: `RET-2026-095${i}`,
    status: 'closed',
    municipality: 'Assen',
    intervention: 'ROP',
    submittedDaysAgo: 30 + i,
  })),
  {
    reference: 'RET-2026-0960',
    status: 'closed',
    municipality: 'Emmen',
    intervention: 'RST',
    submittedDaysAgo: 28,
  },
  {
    reference: 'RET-2026-0961',
    status: 'in_triage',
    municipality: 'Emmen',
    intervention: 'RST',
    submittedDaysAgo: 3,
  },
]

const sql = (value: string | null) => (value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`)

async function seedDatabase(persistDir: string): Promise<void> {
  const migrate = spawnSync(
    WRANGLER,
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir],
    {
      env: WRANGLER_ENV,
      encoding: 'utf8',
    },
  )
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`)
  const cipher = buildAesGcmCipher(devEncryptionKeys())
  const statements: string[] = []
  for (const [i, s] of SEEDS.entries()) {
    const id = `00000000-0000-4000-8000-0000000095${String(i).padStart(2, '0')}`
    const pseudonym = await cipher.encryptJson('K.', pseudonymAad(id))
    const submitted = iso(s.submittedDaysAgo)
    const closed = s.status === 'closed'
    const triaged = iso(s.submittedDaysAgo - 2)
    const advised = closed ? iso(s.submittedDaysAgo - 14) : null
    const since = closed ? iso(s.submittedDaysAgo - 20) : submitted
    statements.push(
      `INSERT INTO cases (id, reference, status, suggested_intervention, chosen_intervention, municipality, age_band, urgency, flags_json, consultation, referrer_key, lead_key, created_at, status_since, submitted_at, triaged_at, scheduled_for, advised_at, follow_up_done_at, closed_at, version, intake_enc, pseudonym_enc, idempotency_key) VALUES (${[
        id,
        s.reference,
        s.status,
        s.intervention,
        s.intervention,
        s.municipality,
        '12-15',
        i % 3 === 0 ? 'spoed' : 'regulier',
        '[]',
      ]
        .map(sql)
        .join(', ')}, 0, 'web:dev:referrer', NULL, ${sql(submitted)}, ${sql(since)}, ${sql(submitted)}, ${sql(
        closed ? triaged : null,
      )}, NULL, ${sql(advised)}, NULL, ${sql(closed ? since : null)}, 1, 'v1.seed.seed.seed', ${sql(pseudonym)}, ${sql(
        `e2e:${s.reference}`,
      )});`,
    )
  }
  const file = join(persistDir, 'seed.sql')
  writeFileSync(file, statements.join('\n'))
  const run = spawnSync(
    WRANGLER,
    ['d1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--file', file, '--yes'],
    { env: WRANGLER_ENV, encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(`seed failed: ${run.stderr}\n${run.stdout}`)
}

async function login(page: Page, base: string, name: string, role: string) {
  await page.goto(`${base}/dev/login`)
  await page.getByLabel('Je naam', { exact: true }).fill(name)
  await page.getByLabel(role, { exact: true }).check()
  await page.getByRole('button', { name: 'Inloggen', exact: true }).click()
  await page.getByText(`Ingelogd als ${name}`).waitFor()
}

describe('monitoring in a real browser', () => {
  let persistDir = ''
  let server: DevServer | null = null
  let browser: Browser | null = null

  beforeAll(async () => {
    persistDir = mkdtempSync(join(tmpdir(), 'ret-e2e-monitoring-'))
    await seedDatabase(persistDir)
    server = await startDevServer(await freePort(), persistDir)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
    // Building and starting `wrangler dev` on a busy machine can take more than the default two minutes.
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(persistDir, { recursive: true, force: true })
  })

  it('lets a coordinator open the page, filter by municipality and download the CSV', async () => {
    const base = server!.base
    const context = await browser!.newContext({ locale: 'nl-NL', acceptDownloads: true })
    const page = await context.newPage()
    await login(page, base, 'Coby Coördinator', 'Coördinator')
    const response = await page.goto(`${base}/monitoring`)
    expect(response?.status()).toBe(200)
    await page.getByRole('heading', { level: 1, name: 'Monitoring' }).waitFor()

    // The quarterly charts are accessible images, each with a table beside it.
    const chart = page.locator('#trend-submitted svg')
    expect(await chart.getAttribute('role')).toBe('img')
    const submitted = page.getByRole('table', { name: 'Aanmeldingen per kwartaal' })
    const perQuarter = (await submitted.locator('tbody td').allTextContents()).map(Number)
    expect(perQuarter.reduce((a, b) => a + b, 0)).toBe(8)
    expect(await page.locator('svg[role="img"]').count()).toBe(5)
    expect(await page.content()).not.toContain('RET-2026-09')

    // Filter: Emmen only.
    await page.getByLabel('Gemeente', { exact: true }).selectOption('Emmen')
    await page.getByRole('button', { name: 'Toon', exact: true }).click()
    await page.waitForURL(/municipality=Emmen/)
    await page.getByText(/· Emmen/).waitFor()
    const filtered = (
      await page
        .getByRole('table', { name: 'Aanmeldingen per kwartaal' })
        .locator('tbody td')
        .allTextContents()
    ).map(Number)
    expect(filtered.reduce((a, b) => a + b, 0)).toBe(2)

    // The CSV of the filtered view: aggregates only, two cases read "<5".
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(
      /^ret-monitoring-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-nl\.csv$/,
    )
    const csv = readFileSync(await download.path(), 'utf8')
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    const lines = csv.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe('Onderdeel;Groep;Maat;Waarde')
    expect(lines).toContain('period;all;submitted;<5')
    expect(lines).toContain('waiting;status;in_triage;<5')
    expect(csv).not.toContain('RET-')
    expect(csv).not.toContain('K.')
    await context.close()
  })

  it('refuses a referrer with a 403 page', async () => {
    const context = await browser!.newContext({ locale: 'nl-NL' })
    const page = await context.newPage()
    await login(page, server!.base, 'Rita Verwijzer', 'Verwijzer')
    const response = await page.goto(`${server!.base}/monitoring`)
    expect(response?.status()).toBe(403)
    await page.getByRole('heading', { level: 1, name: 'Geen toegang' }).waitFor()
    const csv = await page.goto(`${server!.base}/monitoring.csv`)
    expect(csv?.status()).toBe(403)
    await context.close()
  })
})
