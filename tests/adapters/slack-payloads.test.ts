import { describe, expect, it } from 'vitest'
import {
  langFromLocale,
  parseInteraction,
  parseRetCommandText,
  parseSlashCommand,
  readStateValue,
} from '../../adapters/slack/payloads'
import { interactionBody, slackFixture } from './slack-helpers'

describe('slash command', () => {
  it('parses a real-shaped /ret form body', () => {
    const body = new URLSearchParams(slackFixture<Record<string, string>>('slash-command.json')).toString()
    const parsed = parseSlashCommand(body)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) {
      expect(parsed.value).toMatchObject({
        team_id: 'T0RETDRNT',
        user_id: 'U0REFERR01',
        command: '/ret',
        text: '',
      })
      expect(parsed.value.trigger_id).toMatch(/^\d+\./)
    }
  })

  it('refuses a body without the fields it needs', () => {
    expect(parseSlashCommand('team_id=T1&command=%2Fret')).toEqual({ ok: false, code: 'bad_payload' })
    expect(parseSlashCommand('')).toEqual({ ok: false, code: 'bad_payload' })
  })

  it('reads the /ret sub-commands and a language word', () => {
    expect(parseRetCommandText('')).toEqual({ kind: 'intake', lang: null })
    expect(parseRetCommandText('  en ')).toEqual({ kind: 'intake', lang: 'en' })
    expect(parseRetCommandText('nieuw')).toEqual({ kind: 'intake', lang: null })
    expect(parseRetCommandText('help')).toEqual({ kind: 'help', lang: null })
    expect(parseRetCommandText('hulp nl')).toEqual({ kind: 'help', lang: 'nl' })
    expect(parseRetCommandText('status ret-2026-0042')).toEqual({
      kind: 'status',
      reference: 'RET-2026-0042',
      lang: null,
    })
    expect(parseRetCommandText('en status RET-2026-0042')).toEqual({
      kind: 'status',
      reference: 'RET-2026-0042',
      lang: 'en',
    })
    expect(parseRetCommandText('status')).toEqual({ kind: 'status', reference: null, lang: null })
    expect(parseRetCommandText('status Jan Jansen')).toEqual({ kind: 'status', reference: null, lang: null })
    expect(parseRetCommandText('verwijder alles')).toEqual({ kind: 'unknown', lang: null })
  })

  it('maps a Slack locale to Dutch or English, Dutch by default', () => {
    expect(langFromLocale('en-GB')).toBe('en')
    expect(langFromLocale('nl-NL')).toBe('nl')
    expect(langFromLocale('de-DE')).toBe('nl')
    expect(langFromLocale(undefined)).toBe('nl')
  })
})

describe('interactions', () => {
  it('parses block_actions and view_submission fixtures', () => {
    const actions = parseInteraction(interactionBody(slackFixture('block-actions-accept.json')))
    expect(actions.ok && actions.value.type).toBe('block_actions')
    const submission = parseInteraction(interactionBody(slackFixture('view-submission-reroute.json')))
    expect(submission.ok && submission.value.type).toBe('view_submission')
  })

  it('refuses broken JSON, a missing payload and unsupported types without throwing', () => {
    expect(parseInteraction('payload=%7Bnot-json')).toEqual({ ok: false, code: 'bad_payload' })
    expect(parseInteraction('foo=bar')).toEqual({ ok: false, code: 'bad_payload' })
    expect(parseInteraction(interactionBody({ type: 'shortcut' }))).toEqual({
      ok: false,
      code: 'unsupported_type',
    })
    expect(parseInteraction(interactionBody({ type: 'block_actions', user: { id: 'U1' } }))).toEqual({
      ok: false,
      code: 'bad_payload',
    })
  })

  it('flattens every kind of state value', () => {
    expect(readStateValue({ type: 'plain_text_input', value: 'x' })).toBe('x')
    expect(readStateValue({ type: 'plain_text_input', value: null })).toBeNull()
    expect(readStateValue({ type: 'static_select', selected_option: null })).toBeNull()
    expect(
      readStateValue({ type: 'checkboxes', selected_options: [{ value: 'a' }, { value: 'b' }] }),
    ).toEqual(['a', 'b'])
    expect(readStateValue({ type: 'datepicker', selected_date: '2026-11-20' })).toBe('2026-11-20')
    expect(readStateValue({ type: 'datetimepicker', selected_date_time: 1796131800 })).toBe(
      '2026-12-01T13:30:00.000Z',
    )
    expect(readStateValue({ type: 'users_select', selected_user: 'U1' })).toBe('U1')
    expect(readStateValue({ type: 'checkboxes' })).toEqual([])
  })
})
