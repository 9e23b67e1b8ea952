import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../src/domain/types'
import { eventAad } from '../../src/ports/cipher'
import { getCase } from '../../src/services/cases'
import { buildDeps } from '../../src/wiring'
import { Browser, fileCase, statusOf } from './helpers/console'

/**
 * Rectification in the web console (issue 14 §11): a chair of the case's region corrects one field of
 * the rectifiable list with a required reason, through a CSRF-protected form validated by the same schema
 * as the admin API; the timeline shows which field and why (never the old or new value), the audit row
 * names the chair; a referrer gets 403 and the refusal is audited.
 */

const ADMIN: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'admin-x',
  name: '',
  roles: ['admin'],
  lang: 'nl',
}
const OLD_PHONE = '0591000000'
const NEW_PHONE = '+31 6 5555 4444'
const REASON = 'De verwijzer gaf een nieuw nummer door'

async function auditRows(reference: string) {
  const { results } = await env.DB.prepare(
    'SELECT actor_key, action, detail FROM audit_log WHERE case_reference = ? ORDER BY id',
  )
    .bind(reference)
    .all<{ actor_key: string; action: string; detail: string | null }>()
  return results
}

async function phoneOf(reference: string) {
  const read = await getCase(buildDeps(env), reference, ADMIN)
  if (!read.ok) throw new Error('case not found')
  return read.case.intake.referrer.phone
}

describe('rectification in the web console (AVG art. 16)', () => {
  it('lets a chair correct a field with a reason; timeline and audit name the field, never the value', async () => {
    const reference = await fileCase('rectify-ref')
    const chair = await new Browser().login('Chair Rect', 'chair')
    await chair.get(`/cases/${reference}`)
    expect(chair.status).toBe(200)
    expect(chair.html).toContain('Gegeven corrigeren')
    expect(chair.html).toContain('<option value="referrer.phone">Verwijzer: telefoonnummer</option>')
    // Fields that steer routing are not offered.
    expect(chair.html).not.toContain('value="child.municipality"')

    // The reason is required: 422 with the field's message, nothing changed.
    await chair.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'referrer.phone',
      value: NEW_PHONE,
      reason: '   ',
    })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('Geef de reden van de correctie.')
    expect(chair.html).toContain('id="a-rectify-reason"')
    // The value typed is shown again in the form (the chair's own input).
    expect(chair.html).toContain(NEW_PHONE)
    // A control character in the value: refused by the same schema.
    await chair.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'referrer.phone',
      value: `06\u0000123`,
      reason: REASON,
    })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('geen stuurtekens')
    // A field outside the list (a tampered form).
    await chair.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'child.municipality',
      value: 'Emmen',
      reason: REASON,
    })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('Dit veld kun je hier niet corrigeren')
    // No field chosen.
    await chair.post(`/cases/${reference}`, { command: 'rectify', field: '', value: 'x', reason: REASON })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('Vul te corrigeren veld in')
    // A value the intake refuses (the whole intake is validated again).
    await chair.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'referrer.email',
      value: 'geen e-mailadres',
      reason: REASON,
    })
    expect(chair.status).toBe(422)
    expect(chair.html).toContain('De nieuwe waarde voor referrer.email klopt niet')
    // Without the CSRF token: 403, nothing changed.
    await chair.post(
      `/cases/${reference}`,
      { command: 'rectify', field: 'referrer.phone', value: NEW_PHONE, reason: REASON },
      'forged',
    )
    expect(chair.status).toBe(403)
    expect(await statusOf(reference)).toEqual({ status: 'submitted', version: 1 })
    expect(await phoneOf(reference)).toBe(OLD_PHONE)

    await chair.get(`/cases/${reference}`)
    await chair.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'referrer.phone',
      value: NEW_PHONE,
      reason: REASON,
    })
    expect(chair.status).toBe(200)
    expect(chair.html).toContain('Het gegeven is gecorrigeerd.')
    expect(await phoneOf(reference)).toBe(NEW_PHONE)
    expect(await statusOf(reference)).toEqual({ status: 'submitted', version: 2 })
    // The timeline: the event, the field's name and the reason, shown to the chair.
    const timeline = chair.html.slice(
      chair.html.indexOf('id="h-timeline"'),
      chair.html.indexOf('id="h-files"'),
    )
    expect(timeline).toContain('Gegeven gecorrigeerd')
    expect(timeline).toContain('Verwijzer: telefoonnummer')
    expect(timeline).toContain(REASON)
    expect(timeline).not.toContain(NEW_PHONE)
    expect(timeline).not.toContain(OLD_PHONE)

    // Stored: the event holds field and reason only, encrypted; the audit row names the chair and the field.
    const row = await env.DB.prepare(
      `SELECT e.seq, e.actor_key, e.data_enc, c.id FROM case_events e JOIN cases c ON c.id = e.case_id
       WHERE c.reference = ? AND e.type = 'rectify'`,
    )
      .bind(reference)
      .first<{ seq: number; actor_key: string; data_enc: string; id: string }>()
    expect(row?.actor_key).toBe('web:dev:chair-rect')
    expect(row?.data_enc).not.toContain(REASON)
    const data = await buildDeps(env).cipher.decryptJson(row!.data_enc, eventAad(row!.id, row!.seq))
    expect(data).toEqual({ field: 'referrer.phone', reason: REASON })
    const audit = await auditRows(reference)
    expect(audit).toContainEqual({
      actor_key: 'web:dev:chair-rect',
      action: 'change',
      detail: 'rectify:referrer.phone',
    })
    for (const a of audit) {
      expect(a.detail ?? '').not.toContain(NEW_PHONE)
      expect(a.detail ?? '').not.toContain(REASON)
    }

    // The same value again: nothing written, a plain notice.
    await chair.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'referrer.phone',
      value: NEW_PHONE,
      reason: REASON,
    })
    expect(chair.html).toContain('Het veld had deze waarde al')
    expect((await statusOf(reference)).version).toBe(2)
  })

  it('refuses a referrer (403, audited) and answers a chair outside the region with the 404 page', async () => {
    const reference = await fileCase('rectify-own', { municipality: 'Emmen' })
    const owner = await new Browser().login('Rectify Own')
    await owner.get(`/cases/${reference}`)
    expect(owner.status).toBe(200)
    expect(owner.html).not.toContain('Gegeven corrigeren')
    expect(owner.html).not.toContain('name="field"')
    await owner.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'referrer.phone',
      value: NEW_PHONE,
      reason: REASON,
    })
    expect(owner.status).toBe(403)
    expect(owner.html).toContain('Dit mag je niet doen')
    expect(await phoneOf(reference)).toBe(OLD_PHONE)
    expect(await auditRows(reference)).toContainEqual({
      actor_key: 'web:dev:rectify-own',
      action: 'refused',
      detail: 'case.rectify',
    })

    const north = await new Browser({ CHAIR_SCOPES: 'web:dev:chair-north=Assen' }).login(
      'Chair North',
      'chair',
    )
    await north.get('/cases')
    await north.post(`/cases/${reference}`, {
      command: 'rectify',
      field: 'referrer.phone',
      value: NEW_PHONE,
      reason: REASON,
    })
    expect(north.status).toBe(404)
    expect(await phoneOf(reference)).toBe(OLD_PHONE)

    // In English the form and its messages are English.
    const chair = await new Browser().login('Chair En', 'chair')
    chair.cookies.set('ret_lang', 'en')
    await chair.get(`/cases/${reference}`)
    expect(chair.html).toContain('Correct a field')
    expect(chair.html).toContain('Referrer: phone number')
  })
})
