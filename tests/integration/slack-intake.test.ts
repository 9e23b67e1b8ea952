import { env } from 'cloudflare:test'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import experttafel from '../fixtures/intakes/sample-experttafel.json'
import { formValuesFor, stepDef } from '../unit/dialogue-helpers'
import {
  callsOf,
  depsFor,
  interaction,
  REFERRER,
  send,
  signedRequest,
  slackCalls,
  slackServer,
  syncCard,
  TEAM,
} from './slack-helpers'

beforeAll(() => slackServer.listen({ onUnhandledRequest: 'error' }))
afterAll(() => slackServer.close())
beforeEach(() => {
  slackCalls.length = 0
})

interface View {
  callback_id: string
  private_metadata: string
  blocks: { type: string; block_id?: string; element?: { type: string } }[]
}

/** What Slack would send back for the inputs of a view, filled from form values. */
function stateFor(view: View, values: Record<string, unknown>) {
  const state: Record<string, Record<string, unknown>> = {}
  for (const block of view.blocks) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue
    const raw = values[block.block_id]
    const type = block.element.type
    const text = raw === undefined || raw === '' ? null : String(raw)
    let value: Record<string, unknown>
    if (type === 'checkboxes' || type === 'multi_static_select') {
      value = { type, selected_options: (Array.isArray(raw) ? raw : []).map((v) => ({ value: String(v) })) }
    } else if (type === 'static_select' || type === 'radio_buttons') {
      value = { type, selected_option: text === null ? null : { value: text } }
    } else if (type === 'datepicker') {
      value = { type, selected_date: text }
    } else {
      value = { type, value: text }
    }
    state[block.block_id] = { value }
  }
  return state
}

function slash(text: string): string {
  return new URLSearchParams({
    team_id: TEAM,
    user_id: REFERRER,
    command: '/ret',
    text,
    channel_id: 'D0REFERR01',
    response_url: 'https://hooks.slack.com/commands/T0RETDRNT/2/def',
    trigger_id: `${Date.now()}.1.${crypto.randomUUID()}`,
  }).toString()
}

/** Walks the /ret modal flow with a sample's answers; returns the reference and the final view. */
async function fileThroughModals(
  intake: Record<string, unknown>,
): Promise<{ reference: string | null; view: View }> {
  await send(await signedRequest('/slack/commands', slash('')))
  let view = callsOf('views.open').at(-1)?.body.view as View
  let reference: string | null = null
  for (let turn = 0; turn < 40 && reference === null; turn++) {
    const meta = JSON.parse(view.private_metadata) as { s: string; p: string; a: string | null }
    const values = meta.p === 'step' ? formValuesFor(stepDef(meta.s), intake) : {}
    const payload = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: REFERRER, team_id: TEAM },
      trigger_id: `w${turn}.${crypto.randomUUID()}`,
      view: {
        id: 'V0OPENED01',
        hash: `w${turn}`,
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values: stateFor(view, values) },
      },
    }
    const response = await send(await signedRequest('/slack/interactions', interaction(payload)))
    const body = (await response.json()) as { response_action: string; view?: View }
    view = body.view as View
    if (view.callback_id === 'ret:intake:done') {
      reference = /RET-\d{4}-\d{4,6}/.exec(JSON.stringify(view.blocks))?.[0] ?? null
    }
  }
  return { reference, view }
}

describe('Slack referrers: analysis upload link and the acute-danger stop', () => {
  it('offers a personal upload link on the closing screen when the analysis is missing (G5)', async () => {
    const intake = structuredClone(experttafel.intake) as Record<string, unknown> & {
      analysis: { present: boolean; sharedWithFamily: boolean }
    }
    intake.analysis.present = false
    intake.analysis.sharedWithFamily = false
    const { reference, view } = await fileThroughModals(intake)
    expect(reference).not.toBeNull()
    const record = await depsFor().store.getByReference(reference ?? '')
    expect(record?.flags).toContain('analysis_missing')
    const text = JSON.stringify(view.blocks)
    expect(text).toMatch(/\/files\/upload\/[A-Za-z0-9_-]{43}\b/)
    expect(text).toContain('gedeelde verklarende analyse')
    // Opaque and single-use (a Slack user has no web identity): the grant is stored, bound to the chat.
    const link = await env.DB.prepare(
      'SELECT purpose, bound_to, used_at FROM file_links WHERE reference = ?1',
    )
      .bind(reference)
      .first()
    expect(link).toEqual({ purpose: 'upload', bound_to: 'chat', used_at: null })
  })

  it('shows no upload link when the analysis is there', async () => {
    const { reference, view } = await fileThroughModals(experttafel.intake as Record<string, unknown>)
    expect(reference).not.toBeNull()
    expect(JSON.stringify(view.blocks)).not.toContain('/files/upload/')
  })

  it('stopping at the acute-danger notice keeps 112 and Veilig Thuis in the modal', async () => {
    await send(await signedRequest('/slack/commands', slash('')))
    const view = callsOf('views.open').at(-1)?.body.view as View
    const payload = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: REFERRER, team_id: TEAM },
      trigger_id: `g1.${crypto.randomUUID()}`,
      view: {
        id: 'V0OPENED01',
        hash: 'g1',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values: stateFor(view, { acuteDanger: 'true', consultationOnly: 'false' }) },
      },
    }
    const notice = (await (
      await send(await signedRequest('/slack/interactions', interaction(payload)))
    ).json()) as {
      view: View
    }
    expect(JSON.stringify(notice.view.blocks)).toContain('112')
    const stop = {
      type: 'block_actions',
      team: { id: TEAM },
      user: { id: REFERRER, team_id: TEAM },
      trigger_id: `g1s.${crypto.randomUUID()}`,
      actions: [{ action_id: 'ret:intake:choose:G1:stop', type: 'button', value: 'stop', action_ts: '1' }],
      view: {
        id: 'V0OPENED01',
        hash: 'g1s',
        callback_id: notice.view.callback_id,
        private_metadata: notice.view.private_metadata,
        state: { values: {} },
      },
    }
    await send(await signedRequest('/slack/interactions', interaction(stop)))
    const updated = callsOf('views.update').at(-1)?.body.view as View
    const text = JSON.stringify(updated.blocks)
    // every number a tel: link that stays on one line in Slack: a non-breaking hyphen (issue 13 §2)
    expect(text).toContain('<tel:112|112>')
    expect(text).toContain('<tel:08002000|0800\u20112000>')
  })
})

describe('the intake as a Slack modal flow', () => {
  it('files a case from /ret through every screen, on the same script as the web', async () => {
    await send(await signedRequest('/slack/commands', slash('')))
    let view = callsOf('views.open')[0]?.body.view as View
    expect(view.callback_id).toBe('ret:intake')
    const intake = experttafel.intake as Record<string, unknown>
    let reference: string | null = null
    const seen: string[] = []

    for (let turn = 0; turn < 40 && reference === null; turn++) {
      const meta = JSON.parse(view.private_metadata) as { s: string; p: string; a: string | null }
      seen.push(`${meta.p}:${meta.s}`)
      expect(meta.a, `no submit action on ${meta.p}:${meta.s}`).not.toBeNull()
      const values = meta.p === 'step' ? formValuesFor(stepDef(meta.s), intake) : {}
      const payload = {
        type: 'view_submission',
        team: { id: TEAM },
        user: { id: REFERRER, team_id: TEAM },
        trigger_id: `${turn}.${crypto.randomUUID()}`,
        view: {
          id: 'V0OPENED01',
          hash: `h${turn}`,
          callback_id: view.callback_id,
          private_metadata: view.private_metadata,
          state: { values: stateFor(view, values) },
        },
      }
      const response = await send(await signedRequest('/slack/interactions', interaction(payload)))
      expect(response.status).toBe(200)
      const body = (await response.json()) as { response_action: string; view?: View; errors?: unknown }
      expect(body.response_action, `${meta.p}:${meta.s} → ${JSON.stringify(body.errors)}`).toBe('update')
      view = body.view as View
      if (view.callback_id === 'ret:intake:done') {
        reference = /RET-\d{4}-\d{4,6}/.exec(JSON.stringify(view.blocks))?.[0] ?? null
      }
    }

    expect(reference).not.toBeNull()
    expect(seen).toContain('review:review')
    // the receipt says what happens next (issue 13 §2): a regular report, so within 3 working days
    expect(JSON.stringify(view.blocks)).toMatch(/binnen 3 werkdagen|within 3 working days/)
    const record = await depsFor().store.getByReference(reference ?? '')
    expect(record?.referrerKey).toBe(`slack:${TEAM}:${REFERRER}`)
    expect(record?.status).toBe('submitted')
    expect(record?.suggestedIntervention).toBe('EXPERTTAFEL')

    // The chairs' card for it.
    await syncCard(reference ?? '')
    const card = callsOf('chat.postMessage').find((c) => c.body.channel === 'C0TRIAGE01' && !c.body.thread_ts)
    expect(JSON.stringify(card?.body.blocks)).toContain(reference)
  })

  it('shows field errors under their inputs and keeps the modal open', async () => {
    await send(await signedRequest('/slack/commands', slash('en')))
    const view = callsOf('views.open')[0]?.body.view as View
    const meta = JSON.parse(view.private_metadata) as { s: string; p: string; l: string }
    expect(meta.l).toBe('en')
    const inputs = view.blocks.filter((b) => b.type === 'input')
    expect(inputs.length).toBeGreaterThan(0)
    const payload = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: REFERRER, team_id: TEAM },
      trigger_id: `err.${crypto.randomUUID()}`,
      view: {
        id: 'V0OPENED01',
        hash: 'e1',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values: {} },
      },
    }
    const response = await send(await signedRequest('/slack/interactions', interaction(payload)))
    const body = (await response.json()) as {
      response_action: string
      errors?: Record<string, string>
      view?: View
    }
    // Empty required inputs come back as errors under those inputs, in the referrer's language.
    expect(body.response_action).toBe('errors')
    const errors = body.errors ?? {}
    expect(Object.keys(errors)).toEqual(['acuteDanger', 'consultationOnly'])
    for (const key of Object.keys(errors)) expect(inputs.map((b) => b.block_id)).toContain(key)
    expect(errors.acuteDanger).toMatch(/\? Please choose yes or no\./)
  })
})
