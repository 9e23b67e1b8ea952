import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import ro3Sample from '../fixtures/intakes/sample-ro3.json'
import { Browser, DAY, fileCase, statusOf } from './helpers/console'

async function auditRows(reference: string) {
  const { results } = await env.DB.prepare(
    'SELECT actor_key, action, detail FROM audit_log WHERE case_reference = ? ORDER BY id',
  )
    .bind(reference)
    .all<{ actor_key: string; action: string; detail: string | null }>()
  return results
}

const refsIn = (html: string) => [...new Set(html.match(/RET-\d{4}-\d{4}/g) ?? [])]

describe('web console: the case list', () => {
  it("shows a referrer their own cases only, and a chair the region's cases with filters", async () => {
    const own = await fileCase('list-ref-a', { municipality: 'Assen' })
    const other = await fileCase('list-ref-b', { municipality: 'Emmen', sample: 'mda', urgency: 'spoed' })
    const old = await fileCase('list-ref-b', { municipality: 'Tynaarlo', daysAgo: 30 })

    const referrer = await new Browser().login('List Ref A')
    await referrer.get('/cases')
    expect(referrer.status).toBe(200)
    expect(referrer.html).toContain('Mijn casussen')
    expect(referrer.html).toContain(own)
    expect(referrer.html).toContain('Ingediend')
    expect(referrer.html).not.toContain(other)
    expect(referrer.html).not.toContain(old)
    expect(referrer.html).not.toContain('name="stalled"')

    const chair = await new Browser().login('Chair One', 'chair')
    await chair.get('/cases')
    expect(chair.status).toBe(200)
    expect(chair.html).toContain('Langst wachtend eerst')
    expect(chair.html).toContain('in een Slack-kanaal en in een Microsoft Teams-kanaal')
    for (const ref of [own, other, old]) expect(chair.html).toContain(ref)
    // Longest waiting first: the 30-day-old case leads.
    const order = refsIn(chair.html).filter((r) => [own, other, old].includes(r))
    expect(order[0]).toBe(old)
    await chair.get('/cases?sort=recent')
    expect(
      refsIn(chair.html)
        .filter((r) => [own, other, old].includes(r))
        .at(-1),
    ).toBe(old)

    await chair.get('/cases?municipality=Emmen')
    expect(chair.html).toContain(other)
    expect(chair.html).not.toContain(own)
    await chair.get('/cases?intervention=MDA%2B%2B')
    expect(chair.html).toContain(other)
    expect(chair.html).not.toContain(own)
    await chair.get('/cases?urgency=spoed')
    expect(chair.html).toContain(other)
    expect(chair.html).not.toContain(old)
    await chair.get('/cases?stalled=1')
    expect(chair.html).toContain(old)
    expect(chair.html).not.toContain(own)
    expect(chair.html).toContain('Vastgelopen')
    await chair.get('/cases?status=accepted')
    expect(chair.html).not.toContain(own)
    // Junk in the query string is ignored, never an error.
    await chair.get('/cases?status=nope&urgency=%3Cscript%3E&after=x&sort=1')
    expect(chair.status).toBe(200)
    expect(chair.html).toContain(own)
    // A chair's list view is audited once per page.
    const listed = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM audit_log WHERE actor_key = 'web:dev:chair-one' AND detail = 'cases:list'",
    ).first<{ n: number }>()
    expect(listed!.n).toBeGreaterThan(5)
  })

  it('limits a chair to their municipalities where CHAIR_SCOPES says so', async () => {
    const assen = await fileCase('scope-ref', { municipality: 'Assen' })
    const emmen = await fileCase('scope-ref', { municipality: 'Emmen' })
    const north = await new Browser({ CHAIR_SCOPES: 'web:dev:chair-north=Assen|Tynaarlo' }).login(
      'Chair North',
      'chair',
    )
    await north.get('/cases')
    expect(north.html).toContain(assen)
    expect(north.html).not.toContain(emmen)
    expect(north.html).not.toContain('value="Emmen"')
    await north.get('/cases?municipality=Emmen')
    expect(north.html).not.toContain(emmen)
    await north.get(`/cases/${assen}`)
    expect(north.status).toBe(200)
  })

  it('pages through a long list with a cursor, reading one page through an index', async () => {
    const stmt = env.DB.prepare(
      `INSERT INTO cases (id, reference, status, suggested_intervention, municipality, age_band, urgency,
        referrer_key, created_at, status_since, submitted_at, intake_enc, idempotency_key)
       VALUES (?1, ?2, 'submitted', 'RO3', 'Borger-Odoorn', '12-15', 'regulier', 'web:dev:bulk', ?3, ?3, ?3, 'x', ?1)`,
    )
    const base = Date.now() - 60 * DAY
    await env.DB.batch(
      Array.from({ length: 30 }, (_, i) =>
        stmt.bind(
          `bulk-${i}`,
          `RET-1999-${String(i + 1).padStart(4, '0')}`,
          new Date(base + i * 1000).toISOString(),
        ),
      ),
    )
    const chair = await new Browser().login('Chair One', 'chair')
    await chair.get('/cases?municipality=Borger-Odoorn')
    const first = refsIn(chair.html).filter((r) => r.startsWith('RET-1999'))
    expect(first).toHaveLength(25)
    expect(first[0]).toBe('RET-1999-0001')
    const next = chair.html.match(/href="(\/cases\?[^"]*after=[^"]+)"/)?.[1]?.replace(/&amp;/g, '&')
    expect(next).toBeDefined()
    await chair.get(next!)
    const second = refsIn(chair.html).filter((r) => r.startsWith('RET-1999'))
    expect(second).toEqual([
      'RET-1999-0026',
      'RET-1999-0027',
      'RET-1999-0028',
      'RET-1999-0029',
      'RET-1999-0030',
    ])
    expect(chair.html).toContain('Eerste pagina')
    expect(chair.html).not.toContain('Volgende pagina')

    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT id FROM cases WHERE status <> 'draft' AND municipality IN (?)
       ORDER BY status_since ASC, reference ASC LIMIT 26`,
    )
      .bind('Assen')
      .all<{ detail: string }>()
    const details = plan.results.map((r) => r.detail).join(' | ')
    expect(details).toMatch(/USING INDEX cases_(municipality_)?waiting/)
    expect(details).not.toContain('TEMP B-TREE')
  })
})

describe('web console: one case', () => {
  it('answers another referrer and a chair outside the region exactly as for an unknown reference', async () => {
    const reference = await fileCase('owner-ref', { municipality: 'Emmen' })
    const stranger = await new Browser().login('Stranger Ref')
    const known = await stranger.get(`/cases/${reference}`)
    // The CSP nonce is new on every response; everything else must be the same.
    const headersOf = (res: Response) =>
      [...res.headers].map(([k, v]) => [k, v.replace(/'nonce-[^']+'/g, "'nonce-…'")])
    const knownHeaders = headersOf(known)
    const knownBody = stranger.html
    const unknown = await stranger.get('/cases/RET-2099-9999')
    expect(known.status).toBe(404)
    expect(unknown.status).toBe(404)
    expect(stranger.html).toBe(knownBody)
    expect(headersOf(unknown)).toEqual(knownHeaders)
    expect(knownBody).toContain('Casus niet gevonden')
    expect(knownBody).not.toContain(reference)
    await stranger.get('/cases/not-a-reference')
    expect(stranger.status).toBe(404)
    expect(stranger.html).toBe(knownBody)

    const north = await new Browser({ CHAIR_SCOPES: 'web:dev:chair-north=Assen' }).login(
      'Chair North',
      'chair',
    )
    const outside = await north.get(`/cases/${reference}`)
    const outsideBody = north.html
    const none = await north.get('/cases/RET-2099-9998')
    expect(outside.status).toBe(404)
    expect(north.html).toBe(outsideBody)
    expect(headersOf(none)).toEqual(headersOf(outside))
    // A post to the hidden case changes nothing and answers the same.
    await north.get('/cases')
    await north.post(`/cases/${reference}`, { command: 'startTriage', version: '1' })
    expect(north.status).toBe(404)
    expect(north.html).toBe(outsideBody)
    expect((await statusOf(reference)).status).toBe('submitted')
    const audit = await auditRows(reference)
    expect(audit).toContainEqual({ actor_key: 'web:dev:stranger-ref', action: 'refused', detail: 'view' })
  })

  it('shows the whole case, grouped reasons, gates, timeline and files, and audits the view', async () => {
    const reference = await fileCase('detail-ref', { sample: 'ro3' })
    const chair = await new Browser().login('Chair One', 'chair')
    await chair.get(`/cases/${reference}`)
    expect(chair.status).toBe(200)
    expect(chair.html).toContain(`Casus ${reference}`)
    expect(chair.html).toContain('Voorstel: Regie op 3')
    expect(chair.html).toContain('class="reason-group"')
    expect(chair.html).toContain(ro3Sample.intake.question)
    expect(chair.html).toContain('Tijdlijn')
    expect(chair.html).toContain(`href="/cases/${reference}/pdf"`)
    for (const command of ['startTriage', 'accept', 'requestInfo', 'decline']) {
      expect(chair.html).toContain(`name="command" value="${command}"`)
    }
    const audit = await auditRows(reference)
    expect(audit).toContainEqual({ actor_key: 'web:dev:chair-one', action: 'view', detail: null })

    const owner = await new Browser().login('Detail Ref')
    await owner.get(`/cases/${reference}`)
    expect(owner.status).toBe(200)
    expect(owner.html).not.toContain('name="command" value="accept"')
    expect(owner.html).toContain(`/cases/${reference}/attachments/new`)
    await owner.post('/lang', { lang: 'en', next: `/cases/${reference}` })
    expect(owner.html).toContain(`Case ${reference}`)
    expect(owner.html).toContain('Timeline')
  })

  it('runs the whole lifecycle through the forms, with validation and the referrer answering', async () => {
    const reference = await fileCase('flow-ref', { sample: 'ro3' })
    const chair = await new Browser().login('Chair One', 'chair')
    const referrer = await new Browser().login('Flow Ref')
    const act = async (fields: Record<string, string>, who = chair) => {
      await who.get(`/cases/${reference}`)
      await who.post(`/cases/${reference}`, { version: who.version(), ...fields })
    }

    await act({ command: 'requestInfo', items: 'analyse', question: '' })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('Vul je vraag aan de verwijzer in.')
    expect(chair.html).toContain('href="#a-requestInfo-question"')
    expect(chair.html).toContain('>analyse</textarea>')
    expect((await statusOf(reference)).status).toBe('submitted')

    await act({
      command: 'requestInfo',
      items: 'analyse\ntoestemming',
      question: 'Is er een analyse gedeeld?',
    })
    expect(chair.status).toBe(200)
    expect(chair.html).toContain('Gelukt: Informatie vragen.')
    expect((await statusOf(reference)).status).toBe('info_requested')

    await referrer.get(`/cases/${reference}`)
    expect(referrer.html).toContain('Is er een analyse gedeeld?')
    expect(referrer.html).toContain('name="command" value="provideInfo"')
    await act({ command: 'provideInfo', answer: 'Ja, op 2 november met de ouders.' }, referrer)
    expect(referrer.status).toBe(200)
    expect((await statusOf(reference)).status).toBe('in_triage')

    await act({ command: 'accept', intervention: 'ROP', reason: '' })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('Geef een reden op als je een andere interventie kiest')
    await act({ command: 'accept', intervention: 'RO3', reason: '' })
    expect((await statusOf(reference)).status).toBe('accepted')

    await act({ command: 'schedule', date: '2026-12-08', time: '' })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('Vul tijd in.')
    await act({ command: 'schedule', date: '2026-02-30', time: '14:30' })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('Vul een bestaande datum en tijd in')
    await act({ command: 'schedule', date: '2026-12-08', time: '14:30' })
    expect((await statusOf(reference)).status).toBe('scheduled')
    const scheduled = await env.DB.prepare('SELECT scheduled_for FROM cases WHERE reference = ?')
      .bind(reference)
      .first<{ scheduled_for: string }>()
    expect(scheduled!.scheduled_for).toBe('2026-12-08T13:30:00.000Z')

    await act({ command: 'recordOutcome', advice: '' })
    expect(chair.status).toBe(422)
    await act({ command: 'recordOutcome', advice: 'Start RO3 met school en jeugdarts.' })
    expect((await statusOf(reference)).status).toBe('advised')
    await act({ command: 'close', reason: '' })
    expect((await statusOf(reference)).status).toBe('closed')

    await chair.get(`/cases/${reference}`)
    for (const text of [
      'Casus ingediend',
      'Informatie vragen',
      'Informatie aanleveren',
      'Ja, op 2 november met de ouders.',
      'Accepteren',
      'Inplannen',
      'Start RO3 met school en jeugdarts.',
      'Afsluiten',
    ]) {
      expect(chair.html).toContain(text)
    }
    // Reopening needs a reason.
    await act({ command: 'reopen', reason: '' })
    expect(chair.status).toBe(422)
    expect((await statusOf(reference)).status).toBe('closed')

    const changes = (await auditRows(reference)).filter((r) => r.action === 'change').map((r) => r.detail)
    expect(changes).toEqual(['requestInfo', 'provideInfo', 'accept', 'schedule', 'recordOutcome', 'close'])
  }, 30_000)

  it('declines only with a reason and where to go, and lets a lead key be assigned', async () => {
    const reference = await fileCase('decline-ref')
    const chair = await new Browser().login('Chair One', 'chair')
    await chair.get(`/cases/${reference}`)
    await chair.post(`/cases/${reference}`, {
      command: 'assignLead',
      version: chair.version(),
      leadKey: 'nope',
    })
    expect(chair.status).toBe(422)
    await chair.post(`/cases/${reference}`, {
      command: 'assignLead',
      version: chair.version(),
      leadKey: 'web:dev:lead-one',
    })
    expect(chair.status).toBe(200)
    await chair.post(`/cases/${reference}`, {
      command: 'decline',
      version: chair.version(),
      reason: 'Past niet.',
      alternative: 'Lokaal team Assen',
    })
    expect(chair.status).toBe(422)
    // Where to instead is chosen from the closed list (issue 15 §3); the chair's own words are an extra.
    expect(chair.html).toContain('Kies waar de verwijzer dan terecht kan.')
    expect(chair.html).toContain(
      '<option value="specialistische_jeugdhulp">Specialistische jeugdhulp</option>',
    )
    await chair.post(`/cases/${reference}`, {
      command: 'decline',
      version: chair.version(),
      reason: 'Past niet.',
      destination: 'lokaal_team',
      alternative: '',
    })
    expect((await statusOf(reference)).status).toBe('declined')
    const row = await env.DB.prepare('SELECT decline_destination FROM cases WHERE reference = ?')
      .bind(reference)
      .first<{ decline_destination: string | null }>()
    expect(row?.decline_destination).toBe('lokaal_team')
    // Monitoring counts it under its category (and an old row without one under "other").
    const { listMonitoringCases } = await import('../../src/services/monitoring')
    const { buildDeps } = await import('../../src/wiring')
    const mine = (await listMonitoringCases(buildDeps(env))).find((c) => c.reference === reference)
    expect(mine?.declinedTo).toBe('lokaal_team')
    await chair.get(`/cases/${reference}`)
    expect(chair.html).toContain('Lokaal team')
  })

  it('shows "the case changed meanwhile" on a stale version and overwrites nothing', {
    timeout: 20_000,
  }, async () => {
    const reference = await fileCase('conflict-ref')
    const first = await new Browser().login('Chair One', 'chair')
    const second = await new Browser().login('Chair Two', 'chair')
    await first.get(`/cases/${reference}`)
    await second.get(`/cases/${reference}`)
    const stale = second.version()
    await first.post(`/cases/${reference}`, { command: 'startTriage', version: first.version() })
    expect((await statusOf(reference)).status).toBe('in_triage')
    await second.post(`/cases/${reference}`, {
      command: 'decline',
      version: stale,
      reason: 'Past niet.',
      destination: 'lokaal_team',
      alternative: 'Lokaal team',
    })
    expect(second.status).toBe(409)
    expect(second.html).toContain('De casus is intussen gewijzigd')
    expect(second.html).toContain('In triage')
    expect(second.version()).toBe('2')
    expect(await statusOf(reference)).toEqual({ status: 'in_triage', version: 2 })
  })

  it('refuses a form without CSRF token and a chair command from the referrer', async () => {
    const reference = await fileCase('csrf-ref')
    const chair = await new Browser().login('Chair One', 'chair')
    await chair.get(`/cases/${reference}`)
    await chair.post(`/cases/${reference}`, { command: 'startTriage', version: '1' }, 'forged')
    expect(chair.status).toBe(403)
    const owner = await new Browser().login('Csrf Ref')
    await owner.get(`/cases/${reference}`)
    expect(owner.version()).toBe('')
    await owner.post(`/cases/${reference}`, { command: 'startTriage', version: '1' })
    expect(owner.status).toBe(403)
    expect(owner.html).toContain('Dit mag je niet doen')
    expect((await statusOf(reference)).status).toBe('submitted')
    expect(await auditRows(reference)).toContainEqual({
      actor_key: 'web:dev:csrf-ref',
      action: 'refused',
      detail: 'startTriage',
    })
  })
})
