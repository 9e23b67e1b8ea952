import { env } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildAuditCommand } from '../../src/cli/commands/audit'
import { buildEraseCommand } from '../../src/cli/commands/erase'
import type { CliContext } from '../../src/cli/types'
import type { Actor } from '../../src/domain/types'
import { runCaseCommand } from '../../src/services/cases'
import { runRetention } from '../../src/services/retention'
import { buildDeps, buildPrivacyDeps, runDailyRetention } from '../../src/wiring'
import { buildPlatformServer } from './helpers/platforms'
import {
  ADMIN_TOKEN,
  adminFetch,
  dumpD1,
  dumpR2,
  rawDraft,
  runPrivacyWebIntake,
  startPrivacyDraft,
  waitForJob,
  waitForPdf,
} from './privacy-helpers'
import { slackCalls } from './slack-helpers'
import { CONNECTOR, connectorCalls, TENANT } from './teams-helpers'
import { WebClient } from './web-client'

/**
 * Erasure (issue 7 acceptance): `ret erase` removes a case from D1 (case, timeline, routing, files,
 * idempotency and ledger rows), R2 and its draft, replaces the posted Slack and Teams cards with
 * "verwijderd" (recorded by msw), and leaves only the audit row; the reference is never reused.
 * Withdrawn consent erases through the queue; the daily retention run erases what is past its term.
 */

const server = buildPlatformServer()
const CHAIR: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'chair-1',
  name: '',
  roles: ['chair'],
  lang: 'nl',
}
const io = { fetch: adminFetch, env: { RET_ADMIN_TOKEN: ADMIN_TOKEN } }
const TEAMS_USER = `teams:${TENANT}:aad-erase-1`

function cli(): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    ctx: {
      lang: 'en',
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      readStdin: async () => '',
      now: () => new Date(),
    },
  }
}

async function caseIdOf(reference: string): Promise<string> {
  const row = await env.DB.prepare('SELECT id FROM cases WHERE reference = ?1')
    .bind(reference)
    .first<{ id: string }>()
  if (!row) throw new Error(`no case ${reference}`)
  return row.id
}

/** Every row of every table but the audit log that mentions the reference or the case id. */
async function traces(reference: string, caseId: string): Promise<string[]> {
  const found: string[] = []
  for (const [table, text] of Object.entries(await dumpD1())) {
    if (table === 'audit_log') continue
    if (text.includes(reference) || text.includes(caseId)) found.push(table)
  }
  return found
}

beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }))
afterAll(() => server.close())

describe('ret erase', () => {
  let reference = ''
  let caseId = ''

  beforeAll(async () => {
    reference = await runPrivacyWebIntake(new WebClient(), 'Wis Referent')
    await waitForPdf(reference)
    await waitForJob(`case.submitted:${reference}#pdf.generate`)
    const asked = await runCaseCommand(buildDeps(env), {
      reference,
      command: { type: 'requestInfo', items: [], question: 'Hoe gaat het met Wŏuter?' },
      actor: CHAIR,
    })
    expect(asked.ok).toBe(true)
    await waitForJob(`case.changed:${reference}:2#pdf.generate`)
    caseId = await caseIdOf(reference)
    // Cards posted about the case: the chairs' Slack card and the referrer's Teams receipt and status.
    const now = new Date().toISOString()
    await env.DB.batch([
      env.DB.prepare(
        'INSERT INTO slack_messages (reference, channel, ts, claimed_at, thread_seq, updated_at) VALUES (?1, ?2, ?3, ?4, 2, ?4)',
      ).bind(reference, 'C0TRIAGE01', '1763889000.000777', now),
      env.DB.prepare(
        `INSERT INTO teams_conversations (user_key, tenant_id, user_id, bot_id, conversation_id, service_url, lang, created_at, updated_at)
         VALUES (?1, ?2, '29:erase-user', '28:bot', 'conv-erase-1', ?3, 'nl', ?4, ?4)`,
      ).bind(TEAMS_USER, TENANT, `${CONNECTOR}/`, now),
      env.DB.prepare(
        'INSERT INTO teams_sent_cards (send_key, user_key, activity_id, sent_at) VALUES (?1, ?2, ?3, ?4)',
      ).bind(`receipt:${reference}`, TEAMS_USER, 'act-receipt-1', now),
      env.DB.prepare(
        'INSERT INTO teams_sent_cards (send_key, user_key, activity_id, sent_at) VALUES (?1, ?2, ?3, ?4)',
      ).bind(`changed:${reference}:2`, TEAMS_USER, 'act-status-2', now),
      // A reminder sent about it (another area's table, keyed by reference).
      env.DB.prepare(
        `INSERT INTO reminders_sent (reminder_key, reference, rule, kind, status_since, state, claimed_at)
         VALUES (?1, ?2, 'info_overdue', 'reminder', ?3, 'sent', ?3)`,
      ).bind(`${reference}:info_overdue:2026-11-23`, reference, now),
    ])
    expect((await traces(reference, caseId)).sort()).toEqual(
      expect.arrayContaining([
        'case_events',
        'case_files',
        'cases',
        'routing_decisions',
        'reminders_sent',
        'slack_messages',
        'teams_sent_cards',
      ]),
    )
    expect((await dumpR2()).size).toBeGreaterThan(0)
    expect(await rawDraft('web:dev:wis-referent')).toContain(`"draft"`)
  }, 60_000)

  it('refuses a bad reason or reference before calling anything', async () => {
    const { ctx, err } = cli()
    expect(await buildEraseCommand(io).run([reference, '--reason', 'omdat het moet'], ctx)).toBe(2)
    expect(err.join('\n')).toContain('consent_withdrawn, retention, request, error')
    expect(await buildEraseCommand(io).run(['RET-26-1', '--reason', 'request'], cli().ctx)).toBe(2)
    const noToken = cli()
    expect(
      await buildEraseCommand({ fetch: adminFetch, env: {} }).run(
        [reference, '--reason', 'request', '--url', 'https://ret.example'],
        noToken.ctx,
      ),
    ).toBe(2)
    expect(noToken.err.join('\n')).toContain('RET_ADMIN_TOKEN')
    expect(await caseIdOf(reference)).toBe(caseId)
  })

  it('erases the case everywhere, replaces the cards and keeps only the audit row', {
    timeout: 60_000,
  }, async () => {
    const { ctx, out } = cli()
    const code = await buildEraseCommand(io).run(
      [reference, '--reason', 'request', '--url', 'https://ret.test'],
      ctx,
    )
    expect(code).toBe(0)
    expect(out.join('\n')).toContain(`Case ${reference} has been erased`)

    // The card replacement runs on the queue (the real consumer).
    await vi.waitFor(
      async () => {
        const left = await env.DB.prepare(
          'SELECT (SELECT COUNT(*) FROM slack_messages) + (SELECT COUNT(*) FROM teams_sent_cards) AS n',
        ).first<{ n: number }>()
        expect(left?.n).toBe(0)
      },
      { timeout: 20_000, interval: 100 },
    )
    const update = slackCalls.find((c) => c.method === 'chat.update' && c.body.ts === '1763889000.000777')
    expect(update?.body.channel).toBe('C0TRIAGE01')
    expect(String(update?.body.text)).toBe(`Casus ${reference} is verwijderd.`)
    const replaced = connectorCalls.filter((c) => c.method === 'PUT' && c.conversationId === 'conv-erase-1')
    expect(replaced.map((c) => c.activityId).sort()).toEqual(['act-receipt-1', 'act-status-2'])
    for (const call of replaced)
      expect(JSON.stringify(call.card)).toContain(`Casus ${reference} is verwijderd.`)

    // No trace in D1 but the audit rows, none in R2, none in the draft.
    expect(await traces(reference, caseId)).toEqual([])
    expect((await dumpR2()).size).toBe(0)
    expect(await rawDraft('web:dev:wis-referent')).toBe('[]')
    const audit = await env.DB.prepare('SELECT * FROM audit_log WHERE case_reference = ?1 ORDER BY id')
      .bind(reference)
      .all<{ action: string; actor_key: string; detail: string | null; surface: string }>()
    expect(audit.results.at(-1)).toMatchObject({
      action: 'erase',
      actor_key: 'api:admin:token',
      detail: 'request',
      surface: 'api',
    })
    expect(audit.results.map((r) => r.action)).toContain('create')

    // `ret audit` prints the trail; the trail itself names no person.
    const trail = cli()
    expect(await buildAuditCommand(io).run([reference, '--url', 'https://ret.test'], trail.ctx)).toBe(0)
    expect(trail.out.at(-2)).toMatch(/api:admin:token {2}\(api\) {2}erase {2}request/)
    expect(trail.out.at(-1)).toMatch(/api:admin:token {2}\(api\) {2}view {2}audit/)

    // Erasing again finds nothing; the next case gets a new number.
    const again = cli()
    expect(
      await buildEraseCommand(io).run(
        [reference, '--reason', 'request', '--url', 'https://ret.test'],
        again.ctx,
      ),
    ).toBe(1)
    expect(again.err.join('\n')).toContain('never reused')
    const next = await runPrivacyWebIntake(new WebClient(), 'Wis Referent Twee')
    expect(Number(next.split('-')[2])).toBeGreaterThan(Number(reference.split('-')[2]))
  })

  it('withdrawn consent erases the case through the queue', { timeout: 60_000 }, async () => {
    const referrer: Actor = {
      surface: 'web',
      tenant: 'dev',
      userId: 'toestemming-weg',
      name: '',
      roles: ['referrer'],
      lang: 'nl',
    }
    const ref = await runPrivacyWebIntake(new WebClient(), 'Toestemming Weg')
    const id = await caseIdOf(ref)
    const result = await runCaseCommand(buildDeps(env), {
      reference: ref,
      command: { type: 'withdraw', reason: null, consentWithdrawn: true },
      actor: referrer,
    })
    expect(result.ok).toBe(true)
    await vi.waitFor(
      async () => {
        const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM cases WHERE reference = ?1')
          .bind(ref)
          .first<{ n: number }>()
        expect(row?.n).toBe(0)
      },
      { timeout: 20_000, interval: 100 },
    )
    // Jobs of the case still in flight may finish meanwhile; once the queue is quiet nothing remains.
    await vi.waitFor(async () => expect(await traces(ref, id)).toEqual([]), {
      timeout: 20_000,
      interval: 200,
    })
    const last = await env.DB.prepare(
      "SELECT actor_key, detail FROM audit_log WHERE case_reference = ?1 AND action = 'erase'",
    )
      .bind(ref)
      .first<{ actor_key: string; detail: string }>()
    expect(last).toEqual({ actor_key: 'system:ret:consent', detail: 'consent_withdrawn' })
  })
})

describe('retention', () => {
  it('erases withdrawn cases after 30 days and idle drafts; keeps open cases and recent ones', async () => {
    const referrer: Actor = {
      surface: 'web',
      tenant: 'dev',
      userId: 'bewaar-referent',
      name: '',
      roles: ['referrer'],
      lang: 'nl',
    }
    const withdrawn = await runPrivacyWebIntake(new WebClient(), 'Bewaar Referent')
    const open = await runPrivacyWebIntake(new WebClient(), 'Bewaar Open')
    const result = await runCaseCommand(buildDeps(env), {
      reference: withdrawn,
      command: { type: 'withdraw', reason: null },
      actor: referrer,
    })
    expect(result.ok).toBe(true)
    await startPrivacyDraft(new WebClient(), 'Bewaar Concept')

    const at = (days: number) => {
      const now = new Date(Date.now() + days * 24 * 3600 * 1000)
      return buildPrivacyDeps(env, buildDeps(env, { clock: () => now }))
    }
    const early = await runRetention(at(29), { withdrawn: 30, draft: 30 })
    expect(early.erased).toEqual([])
    expect(early.drafts).toBe(0)

    const late = await runRetention(at(31), { withdrawn: 30, draft: 30 })
    expect(late.erased).toEqual([withdrawn])
    expect(late.drafts).toBeGreaterThanOrEqual(1)
    expect(await rawDraft('web:dev:bewaar-concept')).toBe('[]')
    const left = await env.DB.prepare('SELECT reference, status FROM cases WHERE reference IN (?1, ?2)')
      .bind(withdrawn, open)
      .all<{ reference: string; status: string }>()
    expect(left.results).toEqual([{ reference: open, status: 'submitted' }])
    const audit = await env.DB.prepare(
      "SELECT actor_key, detail FROM audit_log WHERE case_reference = ?1 AND action = 'erase'",
    )
      .bind(withdrawn)
      .first()
    expect(audit).toEqual({ actor_key: 'system:ret:retention', detail: 'retention' })
  }, 60_000)

  it('the daily cron job reads RETENTION_DAYS; a malformed setting erases nothing', {
    timeout: 60_000,
  }, async () => {
    const referrer: Actor = {
      surface: 'web',
      tenant: 'dev',
      userId: 'cron-referent',
      name: '',
      roles: ['referrer'],
      lang: 'nl',
    }
    const reference = await runPrivacyWebIntake(new WebClient(), 'Cron Referent')
    const withdrawn = await runCaseCommand(buildDeps(env), {
      reference,
      command: { type: 'withdraw', reason: null },
      actor: referrer,
    })
    expect(withdrawn.ok).toBe(true)
    const later = new Date(Date.now() + 3 * 24 * 3600 * 1000)
    expect(
      await runDailyRetention({ ...env, RETENTION_DAYS: 'withdrawn=2,gesloten=1' } as Env, later),
    ).toBeNull()
    const kept = await env.DB.prepare('SELECT COUNT(*) AS n FROM cases WHERE reference = ?1')
      .bind(reference)
      .first<{ n: number }>()
    expect(kept?.n).toBe(1)
    const report = await runDailyRetention({ ...env, RETENTION_DAYS: 'withdrawn=2' } as Env, later)
    expect(report?.erased).toContain(reference)
  })
})
