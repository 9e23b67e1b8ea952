import { describe, expect, it } from 'vitest'
import { parseIntakeForm } from '../../adapters/web/form'
import { fieldId } from '../../adapters/web/intake-page'
import type { PageContext } from '../../adapters/web/layout'
import { renderWeb } from '../../adapters/web/render'
import { newDraft, step, view } from '../../src/domain/dialogue'
import type { ScreenView } from '../../src/domain/dialogue-types'
import { DEFAULT_SCRIPT } from '../../src/domain/script'

const NOW = new Date('2026-11-23T10:00:00Z')
const ctx: PageContext = {
  lang: 'nl',
  csrf: 'csrf-token-123',
  nonce: 'nonce-abc',
  devMode: true,
  user: { name: 'Sanne de Vries', roles: ['referrer'] },
  path: '/intake',
}

/** Every start tag with its attributes. */
function tags(html: string): { name: string; attrs: Record<string, string> }[] {
  return [...html.matchAll(/<([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1]!,
    attrs: Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? '']),
    ),
  }))
}

const CHILD_VIEW: ScreenView = {
  phase: 'step',
  stepId: 'child',
  lang: 'nl',
  title: 'Over de jeugdige',
  intro: 'Geen namen.',
  progress: { current: 3, total: 9, label: 'Stap 3 van 9' },
  fields: [
    {
      name: 'child.pseudonym',
      kind: 'text',
      label: 'Initiaal',
      hint: 'Alleen een initiaal',
      required: true,
      value: 'Jantje "><b>x</b>',
    },
    {
      name: 'child.birthYear',
      kind: 'year',
      label: 'Geboortejaar',
      required: true,
      value: '20x2',
      error: 'Geboortejaar: vul een jaartal in.',
    },
    {
      name: 'child.municipality',
      kind: 'select',
      label: 'Gemeente',
      required: true,
      value: 'Assen',
      options: [
        { value: 'Assen', label: 'Assen' },
        { value: 'Emmen', label: 'Emmen' },
      ],
    },
    {
      name: 'situation.problemDomains',
      kind: 'checkboxes',
      label: 'Problemen',
      required: false,
      value: ['ggz'],
      options: [
        { value: 'ggz', label: 'GGZ' },
        { value: 'lvb', label: 'LVB' },
      ],
    },
    {
      name: 'help.history',
      kind: 'list',
      label: 'Hulp tot nu toe',
      required: false,
      value: [{ what: 'Gezinsbehandeling Jantje', from: '2025-01' }],
      itemFields: [
        { name: 'what', kind: 'text', label: 'Welke hulp', required: true, value: null },
        { name: 'from', kind: 'month', label: 'Vanaf', required: true, value: null },
      ],
      actions: [
        { id: 'add:help.history', label: 'Regel toevoegen' },
        { id: 'remove:help.history:0', label: 'Verwijderen' },
      ],
    },
  ],
  notices: [{ id: 'G2', tone: 'danger', title: 'Bel 112', body: ['Bij acuut gevaar.'] }],
  actions: [
    { id: 'back', label: 'Vorige' },
    { id: 'later', label: 'Bewaren en later verder' },
    { id: 'next', label: 'Volgende', primary: true },
  ],
  errors: [
    { field: 'child.birthYear', nl: 'Geboortejaar: vul een jaartal in.', en: 'Birth year: enter a year.' },
  ],
}

describe('web rendering of a ScreenView', () => {
  const html = renderWeb.intake(ctx, CHILD_VIEW)
  const all = tags(html)

  it('is a Dutch document with the progress text and a CSRF field', () => {
    expect(html.startsWith('<!doctype html><html lang="nl">')).toBe(true)
    expect(html).toContain('<p class="progress" id="progress">Stap 3 van 9</p>')
    expect(
      all.some((t) => t.name === 'input' && t.attrs.name === '_csrf' && t.attrs.value === 'csrf-token-123'),
    ).toBe(true)
    expect(html).toContain('<style nonce="nonce-abc">')
  })

  it('ties a label to every visible control', () => {
    const controls = all.filter(
      (t) => ['input', 'select', 'textarea'].includes(t.name) && t.attrs.type !== 'hidden',
    )
    expect(controls.length).toBeGreaterThan(6)
    const labelled = new Set(all.filter((t) => t.name === 'label').map((t) => t.attrs.for))
    for (const control of controls) expect(labelled, control.attrs.name).toContain(control.attrs.id)
    // List rows are named by intake path so the dialogue reads them back.
    expect(controls.map((c) => c.attrs.name)).toContain('help.history[0].what')
    expect(controls.map((c) => c.attrs.name)).toContain('help.history[0].from')
  })

  it('links errors: summary focused and announced, field invalid and described by its message', () => {
    const summary = all.find((t) => t.attrs.class === 'error-summary')!
    expect(summary.attrs.role).toBe('alert')
    expect('autofocus' in summary.attrs).toBe(true)
    expect(summary.attrs.tabindex).toBe('-1')
    const id = fieldId('child.birthYear')
    expect(html).toContain(`<a href="#${id}">Geboortejaar: vul een jaartal in.</a>`)
    const input = all.find((t) => t.attrs.id === id)!
    expect(input.attrs['aria-invalid']).toBe('true')
    expect(input.attrs['aria-describedby']).toBe(`${id}-error`)
    expect(input.attrs.value).toBe('20x2')
    expect(html).toContain(`id="${id}-error"`)
    const pseudonym = all.find((t) => t.attrs.id === fieldId('child.pseudonym'))!
    expect(pseudonym.attrs['aria-describedby']).toBe(`${fieldId('child.pseudonym')}-hint`)
    expect(pseudonym.attrs['aria-invalid']).toBeUndefined()
  })

  it('escapes typed values and keeps personal data out of every attribute but value', () => {
    expect(html).not.toContain('"><b>x</b>')
    expect(html).toContain('value="Jantje &quot;&gt;&lt;b&gt;x&lt;/b&gt;"')
    for (const t of all) {
      for (const [name, value] of Object.entries(t.attrs)) {
        if (name === 'value') continue
        expect(value, `${t.name} ${name}`).not.toContain('Jantje')
      }
    }
    expect(html.match(/<title>[^<]*<\/title>/)![0]).not.toContain('Jantje')
  })

  it('keeps choices, the select and list actions; the primary action comes first', () => {
    expect(all.find((t) => t.name === 'option' && t.attrs.value === 'Assen')!.attrs.selected).toBeDefined()
    expect(all.find((t) => t.name === 'option' && t.attrs.value === 'Emmen')!.attrs.selected).toBeUndefined()
    const boxes = all.filter((t) => t.name === 'input' && t.attrs.name === 'situation.problemDomains')
    expect(boxes.map((b) => [b.attrs.value, 'checked' in b.attrs])).toEqual([
      ['ggz', true],
      ['lvb', false],
    ])
    const buttons = all
      .filter((t) => t.name === 'button' && t.attrs.name === '_action')
      .map((t) => t.attrs.value)
    expect(buttons).toContain('add:help.history')
    expect(buttons).toContain('remove:help.history:0')
    const bar = buttons.filter((b) => ['next', 'back', 'later'].includes(b!))
    expect(bar).toEqual(['next', 'back', 'later'])
  })

  it('gives a danger notice role=alert and a heading', () => {
    expect(html).toMatch(/<section class="notice notice-danger" role="alert" aria-labelledby="notice-G2">/)
    expect(html).toContain('<h2 id="notice-G2">Bel 112</h2>')
  })

  it('renders a real dialogue view in English, with English chrome', () => {
    const draft = newDraft('d-1', 'en', NOW)
    const refused = step(draft, { type: 'answer', stepId: 'start', values: {} }, DEFAULT_SCRIPT, NOW)
    const screen = view(draft, DEFAULT_SCRIPT, NOW, undefined, { values: {}, errors: refused.errors })
    const page = renderWeb.intake({ ...ctx, lang: 'nl' }, screen)
    expect(page.startsWith('<!doctype html><html lang="en">')).toBe(true)
    expect(page).toContain('Please check your answers')
    expect(page).toContain('Skip to content')
    const radios = tags(page).filter((t) => t.name === 'input' && t.attrs.name === 'acuteDanger')
    expect(radios.map((r) => r.attrs.value)).toEqual(['true', 'false'])
    expect(radios[0]!.attrs['aria-invalid']).toBe('true')
  })

  it('marks a field that becomes required as such, never as optional', () => {
    const field = (name: string, extra: Partial<ScreenView['fields'][number]>) => ({
      name,
      kind: 'text' as const,
      label: name,
      required: false,
      value: null,
      ...extra,
    })
    const page = renderWeb.intake(ctx, {
      ...CHILD_VIEW,
      fields: [field('legal.consent.scope', { requiredWhenApplies: true }), field('referrer.phone', {})],
    })
    const labelOf = (name: string) =>
      page.match(new RegExp(`<label for="f-${name.replace(/\./g, '-')}">(.*?)</label>`))?.[1] ?? ''
    expect(labelOf('legal.consent.scope')).toContain('(verplicht als dit van toepassing is)')
    expect(labelOf('legal.consent.scope')).not.toContain('(optioneel)')
    expect(labelOf('referrer.phone')).toContain('(optioneel)')
  })

  it('renders the review with the suggestion, its reasons and the edit buttons', () => {
    const screen: ScreenView = {
      ...CHILD_VIEW,
      phase: 'review',
      stepId: 'review',
      fields: [],
      notices: [],
      errors: [],
      actions: [
        { id: 'edit:child', label: 'Wijzig' },
        { id: 'submit', label: 'Aanmelding versturen', primary: true },
      ],
      review: {
        sections: [
          { stepId: 'child', title: 'Over de jeugdige', rows: [{ label: 'Geboortejaar', value: '2012' }] },
        ],
        summary: ['14 jaar, Assen'],
        decision: {
          primary: 'RST',
          alternatives: ['EXPERTTAFEL'],
          reasons: [
            {
              rule: 'r',
              field: 'help.missingExpertise',
              nl: 'Expertise ontbreekt',
              en: 'Expertise missing',
              intervention: 'RST',
              weight: 3,
            },
            {
              rule: 'e',
              field: 'help.monthsWithoutProgress',
              nl: 'Lang geen voortgang',
              en: 'No progress for long',
              intervention: 'EXPERTTAFEL',
              weight: 1,
            },
          ],
          gates: [{ gate: 'G5', nl: 'Analyse ontbreekt', en: 'Analysis missing' }],
          missing: ['analysis'],
          scores: { EXPERTTAFEL: 1, RO3: 0, ROP: 0, 'MDA++': 0, RST: 3 },
        },
      },
    }
    const page = renderWeb.intake(ctx, screen)
    expect(page).toContain('<p class="primary-route">Reizend Specialistisch Team (RST)</p>')
    // each reason under the intervention it scored for, not all under the primary
    const groups = [...page.matchAll(/<h4[^>]*>([^<]*)<\/h4><ul>(.*?)<\/ul>/g)].map((m) => [m[1], m[2]])
    expect(groups).toEqual([
      ['Voor Reizend Specialistisch Team (RST) (score 3)', '<li>+3: Expertise ontbreekt</li>'],
      ['Voor Experttafel (EXPERTTAFEL) (score 1)', '<li>+1: Lang geen voortgang</li>'],
    ])
    expect(page).toContain('<li>Analyse ontbreekt</li>')
    expect(page).toContain('<li>Gedeelde verklarende analyse</li>')
    expect(page).toContain('<dt>Geboortejaar</dt><dd>2012</dd>')
    expect(page).toMatch(/value="edit:child">Wijzigen<span class="visually-hidden"> Over de jeugdige<\/span>/)
  })

  it('shows the 401 page in both languages', () => {
    const page = renderWeb.error({ ...ctx, user: null }, 'unauthorized')
    expect(page).toContain('Geen toegang')
    expect(page).toContain('No access')
    expect(page).toContain('<div lang="en">')
  })
})

describe('web form parsing', () => {
  it('makes arrays of checkbox groups (also when nothing is ticked) and skips control fields', () => {
    const parsed = parseIntakeForm({
      _csrf: 'x',
      _action: 'next',
      _step: 'situation',
      _multi: ['situation.problemDomains', 'situation.safety.signals'],
      'situation.problemDomains': ['ggz', 'lvb'],
      'situation.living': 'eigen_gezin',
    })
    expect(parsed).toEqual({
      ok: true,
      form: {
        action: 'next',
        stepId: 'situation',
        values: {
          'situation.problemDomains': ['ggz', 'lvb'],
          'situation.safety.signals': [],
          'situation.living': 'eigen_gezin',
        },
      },
    })
  })

  it('refuses oversized forms with a reason instead of throwing', () => {
    expect(parseIntakeForm({ question: 'x'.repeat(10_001) })).toEqual({ ok: false, problem: 'tooLarge' })
    const many = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`f${i}`, 'x']))
    expect(parseIntakeForm(many)).toEqual({ ok: false, problem: 'tooLarge' })
  })
})

describe('the receipt page (issue 13 §2)', () => {
  it('a spoedmelding: a call back now, 112, Veilig Thuis and the crisis service as tel: links that never break', () => {
    const html = renderWeb.done({ ...ctx, path: '/intake' }, 'RET-2026-0042', {
      next: 'De voorzitters van het RET bellen je nu terug.',
      crisis: [
        'Bel 112.',
        'Veilig Thuis: 0800-2000 (gratis).',
        'Regionale crisisdienst jeugd: bel 0592-303030.',
      ],
    })
    expect(html).toContain('bellen je nu terug')
    expect(html).not.toMatch(/3 werkdagen/)
    const links = tags(html).filter((t) => t.name === 'a' && t.attrs.href?.startsWith('tel:'))
    expect(links.map((l) => [l.attrs.href, l.attrs.class])).toEqual([
      ['tel:112', 'tel'],
      ['tel:08002000', 'tel'],
      ['tel:0592303030', 'tel'],
    ])
    expect(html).toMatch(/\.tel\{white-space:nowrap\}/)
  })

  it('the G1 notice in the intake shows its numbers as tel: links', () => {
    let state = newDraft('d-1', 'nl', NOW)
    state = step(
      state,
      { type: 'answer', stepId: 'start', values: { acuteDanger: 'ja', consultationOnly: 'nee' } },
      DEFAULT_SCRIPT,
      NOW,
    ).state
    const html = renderWeb.intake(
      ctx,
      view(state, DEFAULT_SCRIPT, NOW, undefined, undefined, { youthCrisisPhone: '0592-303030' }),
    )
    const hrefs = tags(html)
      .filter((t) => t.name === 'a' && t.attrs.href?.startsWith('tel:'))
      .map((t) => t.attrs.href)
    expect(hrefs).toEqual(expect.arrayContaining(['tel:112', 'tel:08002000', 'tel:0592303030']))
  })
})

describe('long texts and focus (issue 13 §7, §14)', () => {
  function questionView(value: string, errors: ScreenView['errors'] = []): ScreenView {
    return {
      phase: 'step',
      stepId: 'question',
      lang: 'nl',
      title: 'Je vraag aan het RET',
      progress: { current: 12, total: 12, label: 'Stap 12 van 12' },
      fields: [
        { name: 'question', kind: 'textarea', label: 'Wat vraag je van het RET?', required: true, value },
      ],
      notices: [],
      actions: [{ id: 'next', label: 'Volgende', primary: true }],
      errors,
    }
  }

  it('shows the 5,000-character limit with a counter and never cuts silently (no maxlength)', () => {
    const html = renderWeb.intake(ctx, questionView('x'.repeat(5012)))
    const textarea = tags(html).find((t) => t.name === 'textarea')!
    expect(textarea.attrs.maxlength).toBeUndefined()
    expect(textarea.attrs['aria-describedby']).toContain('-count')
    expect(html).toContain('5.012 van 5.000 tekens')
    expect(html).toMatch(/class="counter over"/)
    // the counter script runs by the page's nonce only
    const script = tags(html).find((t) => t.name === 'script')!
    expect(script.attrs.nonce).toBe(ctx.nonce)
  })

  it('a page without a long text carries no script', () => {
    expect(renderWeb.intake(ctx, CHILD_VIEW)).not.toContain('<script')
  })

  it('focuses the step heading after a step, and the error summary when there are errors', () => {
    const ok = tags(renderWeb.intake(ctx, questionView('')))
    expect(ok.find((t) => t.name === 'h1')?.attrs).toMatchObject({ tabindex: '-1', autofocus: '' })
    const failed = tags(
      renderWeb.intake(
        ctx,
        questionView('', [{ field: 'question', nl: 'Vul dit in.', en: 'Fill this in.' }]),
      ),
    )
    expect(failed.find((t) => t.name === 'h1')?.attrs.autofocus).toBeUndefined()
    expect(failed.find((t) => t.attrs.class === 'error-summary')?.attrs.autofocus).toBeDefined()
    expect(failed.filter((t) => 'autofocus' in t.attrs)).toHaveLength(1)
  })
})

describe('date and month fields follow the page language (issue 13 §12)', () => {
  it.each([
    ['nl', 'dd-mm-jjjj', 'mm-jjjj'],
    ['en', 'dd-mm-yyyy', 'mm-yyyy'],
  ] as const)(
    '%s: text inputs with the format of the page, never the browser-locale picker',
    (lang, date, month) => {
      const html = renderWeb.intake(
        { ...ctx, lang },
        {
          phase: 'step',
          stepId: 'legal',
          lang,
          title: 'Toestemming',
          progress: { current: 4, total: 12, label: 'Stap 4 van 12' },
          fields: [
            { name: 'legal.consent.date', kind: 'date', label: 'Datum', required: true, value: '2026-11-20' },
            { name: 'help.from', kind: 'month', label: 'Vanaf', required: true, value: '2025-03' },
          ],
          notices: [],
          actions: [{ id: 'next', label: 'Volgende', primary: true }],
          errors: [],
        },
      )
      const inputs = tags(html).filter(
        (t) => t.name === 'input' && t.attrs.name !== '_csrf' && t.attrs.type !== 'hidden',
      )
      expect(inputs.map((i) => [i.attrs.type, i.attrs.value])).toEqual([
        ['text', '20-11-2026'],
        ['text', '03-2025'],
      ])
      expect(html).toContain(`(${date})`)
      expect(html).toContain(`(${month})`)
    },
  )
})
