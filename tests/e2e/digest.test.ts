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
 * The coordinators' weekly digest in a real browser against `npm run dev`: stalled cases are written into
 * the dev server's local D1 before it starts (pseudonyms encrypted with the dev key, as the Worker does),
 * then a coordinator opens /digest, reads the charts and downloads the CSV.
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

interface Seed {
  reference: string
  status: string
  statusSince: string
  intervention: string
  municipality: string
  pseudonym: string
}

/** Long overdue: these stay stalled whatever day the test runs. */
const SEEDS: Seed[] = [
  {
    reference: 'RET-2026-0901',
    status: 'in_triage',
    statusSince: '2026-01-05T09:00:00+01:00',
    intervention: 'ROP',
    municipality: 'Emmen',
    pseudonym: 'K.',
  },
  {
    reference: 'RET-2026-0902',
    status: 'info_requested',
    statusSince: '2026-01-06T09:00:00+01:00',
    intervention: 'EXPERTTAFEL',
    municipality: 'Assen',
    pseudonym: 'B.',
  },
  {
    reference: 'RET-2026-0903',
    status: 'accepted',
    statusSince: '2026-01-07T09:00:00+01:00',
    intervention: 'ROP',
    municipality: 'Assen',
    pseudonym: 'Ö.',
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
    const id = `00000000-0000-4000-8000-00000000090${i + 1}`
    const pseudonym = await cipher.encryptJson(s.pseudonym, pseudonymAad(id))
    statements.push(
      `INSERT INTO cases (id, reference, status, suggested_intervention, chosen_intervention, municipality, age_band, urgency, flags_json, consultation, referrer_key, lead_key, created_at, status_since, submitted_at, triaged_at, scheduled_for, advised_at, follow_up_done_at, closed_at, version, intake_enc, pseudonym_enc, idempotency_key) VALUES (${[
        id,
        s.reference,
        s.status,
        s.intervention,
        null,
        s.municipality,
        '12-15',
        'regulier',
        '[]',
      ]
        .map(sql)
        .join(
          ', ',
        )}, 0, 'web:dev:referrer', NULL, ${sql(s.statusSince)}, ${sql(s.statusSince)}, ${sql(s.statusSince)}, NULL, NULL, NULL, NULL, NULL, 1, 'v1.seed.seed.seed', ${sql(pseudonym)}, ${sql(`e2e:${s.reference}`)});`,
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

describe('weekly digest in a real browser', () => {
  let persistDir = ''
  let server: DevServer | null = null
  let browser: Browser | null = null

  beforeAll(async () => {
    persistDir = mkdtempSync(join(tmpdir(), 'ret-e2e-digest-'))
    await seedDatabase(persistDir)
    server = await startDevServer(await freePort(), persistDir)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    rmSync(persistDir, { recursive: true, force: true })
  })

  it('shows a coordinator the stalled cases and the charts, and downloads the CSV', async () => {
    const base = server!.base
    const context = await browser!.newContext({ locale: 'nl-NL', acceptDownloads: true })
    const page = await context.newPage()
    await login(page, base, 'Coby Coördinator', 'Coördinator')
    const response = await page.goto(`${base}/digest`)
    expect(response?.status()).toBe(200)
    await page.getByRole('heading', { level: 1, name: /Weekoverzicht RET, week \d{4}-W\d{2}/ }).waitFor()

    // The stalled list: reference, pseudonym, status.
    const stalled = page.getByRole('table', { name: 'Vastgelopen casussen, meest verlopen eerst' })
    expect(await stalled.getByRole('rowheader').count()).toBe(3)
    const row = stalled.getByRole('row').filter({ hasText: 'RET-2026-0903' })
    expect(await row.textContent()).toContain('Ö.')
    expect(await row.textContent()).toContain('Tafeldatum plannen')

    // The chart per intervention: an accessible SVG with a bar per intervention that has stalled cases
    // (a week ago these cases were stalled as well: no change).
    const chart = page.locator('#chart-byIntervention svg')
    expect(await chart.getAttribute('role')).toBe('img')
    const box = await chart.boundingBox()
    expect(box?.width ?? 0).toBeGreaterThan(200)
    const labels = await chart.locator('text').allTextContents()
    // Interventions by their full names, never by code (issue 15 §4).
    expect(labels).toEqual(expect.arrayContaining(['Regie op plaatsing', 'Experttafel', '2 (0)', '1 (0)']))
    expect(labels).not.toContain('ROP')
    const bars = chart.locator('rect[fill="#1f6f8b"][height="14"]')
    const widths = (await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))))).sort(
      (a, b) => b - a,
    )
    // ROP has 2 stalled cases, Experttafel 1: the longest bar is full width, the next half of it.
    expect(widths[0]).toBe(220)
    expect(widths[1]).toBe(110)
    const municipalities = await page.locator('#chart-byMunicipality svg text').allTextContents()
    expect(municipalities).toEqual(expect.arrayContaining(['Assen', 'Emmen']))

    // The CSV download: Dutch header, one row per stalled case, no other personal data.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download als CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^ret-digest-\d{4}-W\d{2}-nl\.csv$/)
    const path = await download.path()
    const csv = readFileSync(path, 'utf8')
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    const lines = csv.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'Casusnummer;Pseudoniem;Status;Signaal;Werkdagen in status;Eigenaar;Volgende stap;Uiterlijk;Interventie;Gemeente',
    )
    expect(lines).toHaveLength(4)
    expect(
      lines
        .slice(1)
        .map((l) => l.split(';')[0])
        .sort(),
    ).toEqual(['RET-2026-0901', 'RET-2026-0902', 'RET-2026-0903'])
    expect(lines.find((l) => l.startsWith('RET-2026-0902'))).toMatch(
      /^RET-2026-0902;B\.;Informatie gevraagd;Gevraagde informatie te laat;\d+;Verwijzer;/,
    )
    await context.close()
  })

  it('refuses a referrer with a clear 403 page', async () => {
    const context = await browser!.newContext({ locale: 'nl-NL' })
    const page = await context.newPage()
    await login(page, server!.base, 'Rita Verwijzer', 'Verwijzer')
    const response = await page.goto(`${server!.base}/digest`)
    expect(response?.status()).toBe(403)
    await page.getByRole('heading', { level: 1, name: 'Geen toegang' }).waitFor()
    expect(await page.content()).not.toContain('RET-2026-09')
    await context.close()
  })
})
