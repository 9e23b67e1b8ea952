import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { processSlackCard } from '../../adapters/slack/card-publisher'
import { buildSlackDeps } from '../../adapters/slack/handlers/deps'
import type { Actor } from '../../src/domain/types'
import worker from '../../src/index'
import { logSink } from '../../src/logger'
import { runCaseCommand } from '../../src/services/cases'
import { issueFileLink } from '../../src/services/links'
import { buildDeps } from '../../src/wiring'
import { buildPlatformServer } from './helpers/platforms'
import {
  findValues,
  PERSONAL_VALUES,
  PRIVACY_ANSWERS,
  runPrivacyWebIntake,
  waitForJob,
  waitForPdf,
} from './privacy-helpers'
import { WebClient } from './web-client'

/**
 * No personal value, request body, token or secret ever reaches a log line (issue 7 acceptance): every
 * line the logger writes (its sink replaced) and everything printed to the console is captured during
 * a complete intake (web dialogue and API, PDF on the queue), a triage sequence with free-text reasons
 * (and the Slack card with its thread) and a digest run (cron and the coordinator's page), then scanned.
 */

const server = buildPlatformServer()
const lines: string[] = []
const original = logSink.write

const TRIAGE_TEXTS = {
  question: 'Woont Ŵ.Q. nog bij tante Ŀotte in Zuidlaren?',
  answer: 'Ja, tante Ŀotte vangt Ŵ.Q. tijdelijk op.',
  reroute: 'Gezinsvoogd Ŧeun vraagt om de experttafel.',
  note: 'Tafel in het gemeentehuis, kamer van Ŀotte.',
  advice: 'Advies: Ŵ.Q. blijft bij Ŀotte met ambulante steun.',
  close: 'Afgerond na gesprek met Ŀotte.',
}
const SECRETS = [
  env.API_TOKEN ?? 'missing',
  env.ADMIN_TOKEN ?? 'missing',
  env.LINK_SIGNING_KEY ?? 'missing',
  (env.ENCRYPTION_KEYS ?? 'k1:missing').split(':')[1] ?? 'missing',
  env.SLACK_BOT_TOKEN ?? 'missing',
  env.SLACK_SIGNING_SECRET ?? 'missing',
]
const SCANNED = [
  ...PERSONAL_VALUES,
  ...Object.values(TRIAGE_TEXTS),
  'Ŀotte',
  'Zuidlaren',
  'not-the-token-Lotte-0042',
  ...SECRETS,
]

const chair: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: '',
  roles: ['chair'],
  lang: 'nl',
}
const referrer: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'log-referent',
  name: '',
  roles: ['referrer'],
  lang: 'nl',
}

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'bypass' })
  logSink.write = (line) => {
    lines.push(line)
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    })
  }
})

afterAll(() => {
  logSink.write = original
  vi.restoreAllMocks()
  server.close()
})

/** The captured lines that contain a scanned value, with the values found. */
function leaks(): { line: string; values: string[] }[] {
  return lines.map((line) => ({ line, values: findValues(line, SCANNED) })).filter((l) => l.values.length > 0)
}

describe('no personal data, body or token in any log line', () => {
  let webReference = ''
  let sessionCookie = ''

  it('a complete intake: web dialogue, API filing, PDF on the queue', { timeout: 60_000 }, async () => {
    const browser = new WebClient()
    webReference = await runPrivacyWebIntake(browser, 'Log Referent')
    sessionCookie = browser.cookies.get('ret_session') ?? ''
    expect(sessionCookie).not.toBe('')
    await waitForPdf(webReference)

    // The same person's data through the API (and a refused token, whose value must not be logged).
    const intake = {
      language: 'nl',
      consultationOnly: false,
      referrer: {
        name: PRIVACY_ANSWERS.referrer?.['referrer.name'],
        organisation: PRIVACY_ANSWERS.referrer?.['referrer.organisation'],
        role: 'lokaal_team',
        email: PRIVACY_ANSWERS.referrer?.['referrer.email'],
        phone: PRIVACY_ANSWERS.referrer?.['referrer.phone'],
      },
    }
    const bad = await exports.default.fetch('http://ret.test/api/v1/cases', {
      method: 'POST',
      headers: {
        authorization: 'Bearer not-the-token-Lotte-0042',
        'content-type': 'application/json',
        'idempotency-key': 'log-1',
      },
      body: JSON.stringify(intake),
    })
    expect(bad.status).toBe(401)
    const invalid = await exports.default.fetch('http://ret.test/api/v1/cases', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${env.API_TOKEN}`,
        'content-type': 'application/json',
        'idempotency-key': 'log-2',
      },
      body: JSON.stringify(intake),
    })
    expect(invalid.status).toBe(400)
    expect(leaks()).toEqual([])
    expect(lines.some((l) => l.includes('case_submitted'))).toBe(true)
  })

  it('a triage sequence with free-text reasons, and the Slack card with its thread', {
    timeout: 60_000,
  }, async () => {
    const deps = buildDeps(env)
    const run = async (actor: Actor, command: Record<string, unknown>) => {
      const result = await runCaseCommand(deps, { reference: webReference, command, actor })
      expect(result.ok, JSON.stringify(command)).toBe(true)
    }
    await run(chair, { type: 'startTriage' })
    await run(chair, { type: 'requestInfo', items: ['analysis'], question: TRIAGE_TEXTS.question })
    await run(referrer, { type: 'provideInfo', answer: TRIAGE_TEXTS.answer })
    await run(chair, { type: 'accept', intervention: 'EXPERTTAFEL', reason: TRIAGE_TEXTS.reroute })
    await run(chair, { type: 'assignLead', leadKey: 'web:dev:chair-1' })
    await run(chair, { type: 'schedule', at: '2026-12-03T10:00:00+01:00', note: TRIAGE_TEXTS.note })
    await run(chair, { type: 'recordOutcome', advice: TRIAGE_TEXTS.advice })
    await run(chair, { type: 'close', reason: TRIAGE_TEXTS.close })
    await processSlackCard(deps, buildSlackDeps(env, deps.config, { channel: 'C0TRIAGE01' }), webReference)
    // A refused command (a referrer may not triage) and a view of the case by someone without access.
    const refused = await runCaseCommand(deps, {
      reference: webReference,
      command: { type: 'reopen', reason: TRIAGE_TEXTS.note },
      actor: { ...referrer, userId: 'iemand-anders' },
    })
    expect(refused.ok).toBe(false)
    await waitForJob(`case.changed:${webReference}:9#pdf.generate`)
    expect(leaks()).toEqual([])
    expect(lines.some((l) => l.includes('case_changed'))).toBe(true)
  })

  it('a digest run: the Monday cron and the coordinator page', { timeout: 60_000 }, async () => {
    const before = lines.length
    const ctx = createExecutionContext()
    // Monday 30 November 2026, 07:00 UTC = 08:00 in Amsterdam: the digest is due.
    const controller = createScheduledController({
      cron: '0 7 * * 1',
      scheduledTime: Date.UTC(2026, 10, 30, 7),
    })
    await worker.scheduled(controller, env, ctx)
    await waitOnExecutionContext(ctx)
    const coordinator = new WebClient()
    await coordinator.login('Coordinator 1', 'coordinator')
    await coordinator.get('/digest')
    expect(coordinator.status).toBe(200)
    expect(coordinator.html).toContain('Weekoverzicht')
    expect(lines.length).toBeGreaterThan(before)
    expect(leaks()).toEqual([])
  })

  it('file links: issued, opened, used, refused — no link token in any line (issue 14 §5)', {
    timeout: 60_000,
  }, async () => {
    const before = lines.length
    const tokens: string[] = []
    const referrerBrowser = new WebClient()
    await referrerBrowser.login('Log Referent')
    // A web download link (redirect, download, a second use refused) and a web upload link (opened,
    // a forged post refused, an upload).
    const pdf = await referrerBrowser.send(`/cases/${webReference}/pdf`, { method: 'GET' })
    const pdfPath = pdf.headers.get('location') ?? ''
    tokens.push(pdfPath.split('/').pop() ?? '')
    expect((await referrerBrowser.send(pdfPath, { method: 'GET' })).status).toBe(200)
    expect((await referrerBrowser.send(pdfPath, { method: 'GET' })).status).toBe(403)
    const uploadPath =
      (await referrerBrowser.send(`/cases/${webReference}/attachments/new`, { method: 'GET' })).headers.get(
        'location',
      ) ?? ''
    tokens.push(uploadPath.split('/').pop() ?? '')
    await referrerBrowser.get(uploadPath)
    const form = new FormData()
    form.append('_csrf', 'forged')
    form.append('file', new File([new TextEncoder().encode('%PDF-1.7\nlog')], 'analyse.pdf'))
    expect((await referrerBrowser.send(uploadPath, { method: 'POST', body: form })).status).toBe(403)
    form.set('_csrf', referrerBrowser.csrf())
    expect((await referrerBrowser.send(uploadPath, { method: 'POST', body: form })).status).toBe(200)
    // A chat link (Teams), opened by a stranger's browser, and an unknown one.
    const chat = await issueFileLink(buildDeps(env), {
      actor: { ...referrer, surface: 'teams', tenant: 'tenant-drenthe-0001', userId: 'aad-log-1' },
      reference: webReference,
      file: 'pdf:nl',
    })
    tokens.push(chat.token)
    const stranger = new WebClient()
    await stranger.get(chat.path)
    expect(stranger.status).toBe(403)
    expect((await stranger.send(`/files/${'A'.repeat(43)}`, { method: 'GET' })).status).toBe(404)
    expect(tokens.every((t) => /^[A-Za-z0-9_-]{43}$/.test(t))).toBe(true)
    const fresh = lines.slice(before)
    expect(fresh.some((l) => l.includes('file_link_refused'))).toBe(true)
    expect(lines.filter((l) => tokens.some((t) => l.includes(t)))).toEqual([])
    expect(lines.filter((l) => /\/files\/(upload\/)?[A-Za-z0-9_-]{20,}/.test(l))).toEqual([])
    expect(leaks()).toEqual([])
  })

  it('no session cookie or CSRF token either', () => {
    const cookieValue = sessionCookie.split('.')[1] ?? sessionCookie
    expect(lines.filter((l) => l.includes(cookieValue))).toEqual([])
    expect(lines.filter((l) => /ret_session|ret_csrf|authorization|bearer/i.test(l))).toEqual([])
  })
})
