/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx'
import { t } from '../../src/domain/copy'
import { DECLINE_DESTINATIONS } from '../../src/domain/decline'
import { INTERVENTIONS, type Intervention, type Lang } from '../../src/domain/enums'
import type { CaseState, CommandType } from '../../src/domain/lifecycle'
import { RECTIFIABLE_FIELDS } from '../../src/domain/rectify'
import type { ReportBlock, ReportSection } from '../../src/domain/report'
import type { RoutingDecision, RoutingReason } from '../../src/domain/types'
import { ct, enumText, label1, StatusBadge, statusText, when } from './console-parts'
import { CsrfField, Layout, type PageContext } from './layout'

/** A timeline entry with its (decrypted) data, as the case page shows it. */
export interface CasePageEvent {
  seq: number
  type: string
  at: string
  actorKey: string
  surface: string
  from: string | null
  to: string
  data: Record<string, unknown> | null
}

/** A form the last post left with errors: its fields' messages and the values as typed. */
export interface CaseFormError {
  /** A lifecycle command's form, or the rectification form (issue 14 §11). */
  command: CommandType | 'rectify'
  fields: Record<string, string>
  values: Record<string, string>
}

export interface CasePageModel {
  state: CaseState
  pseudonym: string | null
  routing: RoutingDecision | null
  /** Routing reasons per intervention, the suggestion first. */
  groups: { intervention: Intervention; reasons: RoutingReason[] }[]
  /** The intake as the PDF lays it out (sections of src/domain/report.ts). */
  sections: ReportSection[]
  timeline: CasePageEvent[]
  attachments: { id: string; name: string; size: number; uploadedAt: string }[]
  /** The commands this viewer may run now, each shown as a form. */
  commands: CommandType[]
  mayUploadAnalysis: boolean
  /** Whether this viewer may correct a personal field (a chair of the case's region or an admin). */
  mayRectify: boolean
  waitingDays: number
  stalled: boolean
  /** The command that just succeeded (after the redirect), or the outcome of a rectification. */
  flash: CommandType | 'rectified' | 'rectifyUnchanged' | null
  /** Why the last post changed nothing (conflict, refused, not possible in this status). */
  notice: { kind: 'conflict' | 'refused' | 'transition'; text: string } | null
  formError: CaseFormError | null
  /** The interventions of the region's pack (the accept form's choices); default every one the engine knows. */
  interventions?: readonly Intervention[]
}

/** The commands the case page offers as forms, in this order (withdrawal stays with the referrer's chat). */
export const WEB_COMMANDS: readonly CommandType[] = [
  'provideInfo',
  'answerFollowUp',
  'startTriage',
  'accept',
  'requestInfo',
  'decline',
  'assignLead',
  'schedule',
  'recordOutcome',
  'recordFollowUp',
  'close',
  'reopen',
]

const fieldId = (command: string, name: string) => `a-${command}-${name}`

function Field({
  lang,
  command,
  name,
  error,
  children,
  hint,
  copy = '',
}: {
  lang: Lang
  command: string
  name: string
  error?: string | undefined
  hint?: boolean
  /** Where the label and hint live under `web.console.`: `fields.<name>`, or `<copy><name>` and `<copy>hints.<name>`. */
  copy?: string
  children: Child
}) {
  const id = fieldId(command, name)
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>{label1(lang, copy ? `${copy}${name}` : `fields.${name}`)}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {ct(lang, `${copy}hints.${name}`)}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {children}
    </div>
  )
}

function describedBy(command: string, name: string, error: string | undefined, hint = false) {
  const id = fieldId(command, name)
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
}

function TextArea(p: {
  lang: Lang
  command: string
  name: string
  required?: boolean
  hint?: boolean
  copy?: string
  error: CaseFormError | null
}) {
  const error = p.error?.command === p.command ? p.error.fields[p.name] : undefined
  const value = p.error?.command === p.command ? (p.error.values[p.name] ?? '') : ''
  return (
    <Field
      lang={p.lang}
      command={p.command}
      name={p.name}
      error={error}
      hint={p.hint ?? false}
      copy={p.copy ?? ''}
    >
      <textarea
        id={fieldId(p.command, p.name)}
        name={p.name}
        rows={3}
        maxlength={4000}
        required={p.required ?? false}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p.command, p.name, error, p.hint)}
      >
        {value}
      </textarea>
    </Field>
  )
}

function Input(p: {
  lang: Lang
  command: string
  name: string
  type: 'text' | 'date' | 'time'
  required?: boolean
  hint?: boolean
  error: CaseFormError | null
}) {
  const error = p.error?.command === p.command ? p.error.fields[p.name] : undefined
  const value = p.error?.command === p.command ? (p.error.values[p.name] ?? '') : ''
  return (
    <Field lang={p.lang} command={p.command} name={p.name} error={error} hint={p.hint ?? false}>
      <input
        type={p.type}
        id={fieldId(p.command, p.name)}
        name={p.name}
        value={value}
        required={p.required ?? false}
        class={p.type === 'text' ? undefined : 'short'}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p.command, p.name, error, p.hint)}
      />
    </Field>
  )
}

/** A choice among fixed answers (a select with an empty first option, so nothing is pre-chosen). */
function Choice(p: {
  lang: Lang
  command: string
  name: string
  options: readonly [string, string][]
  error: CaseFormError | null
}) {
  const error = p.error?.command === p.command ? p.error.fields[p.name] : undefined
  const value = p.error?.command === p.command ? (p.error.values[p.name] ?? '') : ''
  return (
    <Field lang={p.lang} command={p.command} name={p.name} error={error}>
      <select
        id={fieldId(p.command, p.name)}
        name={p.name}
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p.command, p.name, error)}
      >
        <option value="">{ct(p.lang, 'followUp.choose')}</option>
        {p.options.map(([v, text]) => (
          <option value={v} selected={v === value}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  )
}

function CommandFields({ lang, command, model }: { lang: Lang; command: CommandType; model: CasePageModel }) {
  const e = model.formError
  const common = { lang, command, error: e }
  switch (command) {
    case 'provideInfo':
      return <TextArea {...common} name="answer" required />
    case 'requestInfo':
      return (
        <>
          <TextArea {...common} name="items" hint />
          <TextArea {...common} name="question" required />
        </>
      )
    case 'accept': {
      const error = e?.command === 'accept' ? e.fields.intervention : undefined
      const chosen = e?.command === 'accept' ? e.values.intervention : model.state.suggestedIntervention
      return (
        <>
          <Field lang={lang} command={command} name="intervention" error={error}>
            <select id={fieldId(command, 'intervention')} name="intervention">
              {(model.interventions ?? INTERVENTIONS).map((i) => (
                <option value={i} selected={i === chosen}>
                  {enumText(lang, 'intervention', i)}
                  {i === model.state.suggestedIntervention ? ` (${ct(lang, 'suggestedShort')})` : ''}
                </option>
              ))}
            </select>
          </Field>
          <TextArea {...common} name="reason" hint />
        </>
      )
    }
    case 'assignLead':
      return <Input {...common} name="leadKey" type="text" required hint />
    case 'schedule':
      return (
        <>
          <Input {...common} name="date" type="date" required />
          <Input {...common} name="time" type="time" required />
          <TextArea {...common} name="note" />
        </>
      )
    case 'recordOutcome':
      return <TextArea {...common} name="advice" required />
    case 'recordFollowUp':
      return <TextArea {...common} name="note" />
    case 'answerFollowUp': {
      const ypn: [string, string][] = (['yes', 'partly', 'no'] as const).map((v) => [
        v,
        ct(lang, `followUp.${v}`),
      ])
      const yn: [string, string][] = (['yes', 'no'] as const).map((v) => [v, ct(lang, `followUp.${v}`)])
      const scale: [string, string][] = ['1', '2', '3', '4', '5'].map((v) => [
        v,
        ct(lang, `followUp.scale${v}`),
      ])
      return (
        <>
          <Choice {...common} name="adviceFollowed" options={ypn} />
          <Choice {...common} name="careStarted" options={yn} />
          <Input {...common} name="careStartedAt" type="date" hint />
          <Choice {...common} name="goalsReached" options={ypn} />
          <Choice {...common} name="stoppedEarly" options={yn} />
          <Choice {...common} name="usefulness" options={scale} />
          <TextArea {...common} name="note" />
        </>
      )
    }
    case 'close':
      return <TextArea {...common} name="reason" />
    case 'decline': {
      const destinations: [string, string][] = DECLINE_DESTINATIONS.map((d) => [
        d,
        t(lang, `monitoring.destinations.${d}`),
      ])
      return (
        <>
          <TextArea {...common} name="reason" required />
          <Choice {...common} name="destination" options={destinations} />
          <TextArea {...common} name="alternative" hint />
        </>
      )
    }
    case 'reopen':
      return <TextArea {...common} name="reason" required />
    default:
      return null
  }
}

function CommandForm({
  ctx,
  model,
  command,
}: {
  ctx: PageContext
  model: CasePageModel
  command: CommandType
}) {
  const { lang } = ctx
  const open = model.formError?.command === command
  return (
    <details class="action" open={open}>
      <summary>{t(lang, `lifecycle.commands.${command}`)}</summary>
      <form method="post" action={`/cases/${model.state.reference}`} novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="command" value={command} />
        <input type="hidden" name="version" value={String(model.state.version)} />
        <p class="hint">{ct(lang, `explain.${command}`)}</p>
        <CommandFields lang={lang} command={command} model={model} />
        <button type="submit" class={command === 'decline' ? 'danger' : 'primary'}>
          {ct(lang, `submit.${command}`)}
        </button>
      </form>
    </details>
  )
}

/**
 * The rectification form (issue 14 §11): one field from the rectifiable list, its new value (empty
 * clears it) and the required reason. Posted to the case page with `command=rectify` and the CSRF token.
 */
function RectifyForm({ ctx, model }: { ctx: PageContext; model: CasePageModel }) {
  const { lang } = ctx
  const e = model.formError?.command === 'rectify' ? model.formError : null
  const chosen = e?.values.field ?? ''
  const common = { lang, command: 'rectify', error: model.formError, copy: 'rectify.' }
  return (
    <details class="action" open={e !== null}>
      <summary>{ct(lang, 'rectify.title')}</summary>
      <form method="post" action={`/cases/${model.state.reference}`} novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="command" value="rectify" />
        <p class="hint">{ct(lang, 'rectify.explain')}</p>
        <Field lang={lang} command="rectify" name="field" error={e?.fields.field} copy="rectify.">
          <select
            id={fieldId('rectify', 'field')}
            name="field"
            required
            aria-invalid={e?.fields.field ? 'true' : undefined}
            aria-describedby={describedBy('rectify', 'field', e?.fields.field)}
          >
            <option value="">{ct(lang, 'followUp.choose')}</option>
            {RECTIFIABLE_FIELDS.map((f) => (
              <option value={f} selected={f === chosen}>
                {ct(lang, `rectify.fields.${f}`)}
              </option>
            ))}
          </select>
        </Field>
        <TextArea {...common} name="value" hint />
        <TextArea {...common} name="reason" required hint />
        <button type="submit" class="primary">
          {ct(lang, 'rectify.submit')}
        </button>
      </form>
    </details>
  )
}

function Block({ block }: { block: ReportBlock }) {
  switch (block.kind) {
    case 'rows':
      return (
        <dl class="answers">
          {block.rows.map((row) => (
            <div class={row.highlight ? 'highlight' : undefined}>
              <dt>{row.label}</dt>
              <dd>{row.value}</dd>
            </div>
          ))}
        </dl>
      )
    case 'text':
      return (
        <div class="text-block">
          {block.label ? <h4>{block.label}</h4> : null}
          <p class={block.muted ? 'hint' : undefined}>{block.text}</p>
        </div>
      )
    case 'list':
      return (
        <div class={block.highlight ? 'text-block highlight' : 'text-block'}>
          <h4>{block.label}</h4>
          <ul>
            {block.items.map((item) => (
              <li>{item}</li>
            ))}
          </ul>
        </div>
      )
    case 'table':
      return (
        <table class="stack">
          {block.label ? <caption>{block.label}</caption> : null}
          <thead>
            <tr>
              {block.columns.map((c) => (
                <th scope="col">{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {block.rows.map((row) => (
              <tr>
                {row.map((cell, i) => (
                  <td data-label={block.columns[i]?.label ?? ''}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )
  }
}

/** The readable detail lines of a timeline event (free text: shown only to those who may see the case). */
function EventDetails({ lang, event }: { lang: Lang; event: CasePageEvent }) {
  const d = event.data ?? {}
  const lines: [string, string][] = []
  const text = (key: string) => {
    const v = d[key]
    if (typeof v === 'string' && v !== '') lines.push([label1(lang, `fields.${key}`), v])
  }
  if (Array.isArray(d.items) && d.items.length > 0)
    lines.push([label1(lang, 'fields.items'), d.items.join(', ')])
  if (event.type === 'rectify' && typeof d.field === 'string') {
    // Only which field was corrected (and why, below): never the old or the new value.
    lines.push([label1(lang, 'rectify.eventField'), ct(lang, `rectify.fields.${d.field}`)])
  }
  text('question')
  text('answer')
  if (typeof d.intervention === 'string') {
    lines.push([label1(lang, 'fields.intervention'), enumText(lang, 'intervention', d.intervention)])
  }
  if (typeof d.at === 'string') lines.push([label1(lang, 'fields.scheduledFor'), when(lang, d.at)])
  text('leadKey')
  text('reason')
  if (typeof d.destination === 'string')
    lines.push([label1(lang, 'fields.destination'), t(lang, `monitoring.destinations.${d.destination}`)])
  text('alternative')
  text('advice')
  // The referrer's follow-up answers (issue 15 §1), shown to whoever may see the case.
  const choice = (key: string, value: unknown) => {
    if (typeof value === 'string') lines.push([label1(lang, `fields.${key}`), ct(lang, `followUp.${value}`)])
    if (typeof value === 'boolean')
      lines.push([label1(lang, `fields.${key}`), ct(lang, `followUp.${value ? 'yes' : 'no'}`)])
  }
  choice('adviceFollowed', d.adviceFollowed)
  choice('careStarted', d.careStarted)
  text('careStartedAt')
  choice('goalsReached', d.goalsReached)
  choice('stoppedEarly', d.stoppedEarly)
  if (typeof d.usefulness === 'number') {
    lines.push([label1(lang, 'fields.usefulness'), ct(lang, `followUp.scale${d.usefulness}`)])
  }
  text('note')
  if (lines.length === 0) return null
  return (
    <dl class="event-data">
      {lines.map(([k, v]) => (
        <div>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}

function who(lang: Lang, event: CasePageEvent, state: CaseState): string {
  if (event.actorKey === state.referrerKey) return ct(lang, 'actor.referrer')
  const [surface, , ...user] = event.actorKey.split(':')
  return ct(lang, 'actor.other', { user: user.join(':'), surface: surface ?? '' })
}

function Summary({ lang, model }: { lang: Lang; model: CasePageModel }) {
  const s = model.state
  const rows: [string, Child][] = [
    [ct(lang, 'columns.status'), <StatusBadge lang={lang} status={s.status} />],
    [ct(lang, 'columns.pseudonym'), model.pseudonym ?? ct(lang, 'consultation')],
    [label1(lang, 'fields.suggested'), enumText(lang, 'intervention', s.suggestedIntervention)],
    [
      label1(lang, 'fields.chosen'),
      s.chosenIntervention ? enumText(lang, 'intervention', s.chosenIntervention) : ct(lang, 'notYet'),
    ],
    [ct(lang, 'columns.municipality'), enumText(lang, 'municipality', s.municipality)],
    [label1(lang, 'fields.ageBand'), s.ageBand],
    [ct(lang, 'columns.urgency'), enumText(lang, 'urgency', s.urgency)],
    [ct(lang, 'columns.submitted'), when(lang, s.submittedAt)],
    [
      ct(lang, 'columns.waiting'),
      `${ct(lang, 'waitingDays', { days: model.waitingDays })}${model.stalled ? ` · ${ct(lang, 'stalled')}` : ''}`,
    ],
    [label1(lang, 'fields.leadKey'), s.leadKey ?? ct(lang, 'notYet')],
    [label1(lang, 'fields.scheduledFor'), s.scheduledFor ? when(lang, s.scheduledFor) : ct(lang, 'notYet')],
  ]
  return (
    <dl class="answers summary">
      {rows.map(([k, v]) => (
        <div>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}

function Routing({ lang, model }: { lang: Lang; model: CasePageModel }) {
  const r = model.routing
  if (!r) return null
  return (
    <section aria-labelledby="h-routing">
      <h2 id="h-routing">{ct(lang, 'sections.routing')}</h2>
      <p class="primary-route">
        {ct(lang, 'suggested', { intervention: enumText(lang, 'intervention', r.primary) })}
      </p>
      {r.alternatives.length > 0 ? (
        <p>
          {ct(lang, 'alternatives', {
            list: r.alternatives.map((a) => enumText(lang, 'intervention', a)).join(', '),
          })}
        </p>
      ) : null}
      {model.groups.map((g) => (
        <div class="reason-group">
          <h3>{enumText(lang, 'intervention', g.intervention)}</h3>
          <ul>
            {g.reasons.map((reason) => (
              <li>{reason[lang]}</li>
            ))}
          </ul>
        </div>
      ))}
      <h3>{ct(lang, 'sections.gates')}</h3>
      {r.gates.length === 0 ? (
        <p>{ct(lang, 'noGates')}</p>
      ) : (
        <ul>
          {r.gates.map((g) => (
            <li>
              <strong>{enumText(lang, 'gate', g.gate)}</strong>: {g[lang]}
            </li>
          ))}
        </ul>
      )}
      <h3>{ct(lang, 'sections.missing')}</h3>
      {r.missing.length === 0 ? (
        <p>{ct(lang, 'noMissing')}</p>
      ) : (
        <ul>
          {r.missing.map((m) => (
            <li>
              {ct(lang, `missingItems.${m === 'analysis' || m === 'consent' ? m : 'other'}`, { item: m })}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** `/cases/:reference`: the whole case for those allowed, with the triage forms or the referrer's answer. */
export function CasePage({ ctx, model }: { ctx: PageContext; model: CasePageModel }) {
  const { lang } = ctx
  const s = model.state
  const title = ct(lang, 'caseTitle', { reference: s.reference })
  const errors = model.formError ? Object.entries(model.formError.fields) : []
  return (
    <Layout ctx={ctx} title={title}>
      <p class="crumbs">
        <a href="/cases">{ct(lang, 'backToList')}</a>
      </p>
      <h1>{title}</h1>
      {model.flash ? (
        <p class="flash" role="status">
          {model.flash === 'rectified'
            ? ct(lang, 'rectify.done')
            : model.flash === 'rectifyUnchanged'
              ? ct(lang, 'rectify.unchanged')
              : ct(lang, 'done', { command: t(lang, `lifecycle.commands.${model.flash}`) })}
        </p>
      ) : null}
      {model.notice ? (
        <section
          class={`notice ${model.notice.kind === 'conflict' ? 'notice-warning' : 'notice-danger'}`}
          role="alert"
        >
          <h2>{ct(lang, `notices.${model.notice.kind}`)}</h2>
          <p>{model.notice.text}</p>
        </section>
      ) : null}
      {model.formError && errors.length > 0 ? (
        <section class="error-summary" role="alert" aria-labelledby="h-errors" tabindex={-1}>
          <h2 id="h-errors">{ct(lang, 'errorsTitle')}</h2>
          <ul>
            {errors.map(([field, message]) => (
              <li>
                <a href={`#${fieldId(model.formError?.command ?? '', field)}`}>{message}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Summary lang={lang} model={model} />
      {model.commands.length > 0 || model.mayRectify ? (
        <section aria-labelledby="h-actions" class="actions-panel">
          <h2 id="h-actions">{ct(lang, 'sections.actions')}</h2>
          {model.commands.map((command) => (
            <CommandForm ctx={ctx} model={model} command={command} />
          ))}
          {model.mayRectify ? <RectifyForm ctx={ctx} model={model} /> : null}
        </section>
      ) : null}
      <Routing lang={lang} model={model} />
      <section aria-labelledby="h-timeline">
        <h2 id="h-timeline">{ct(lang, 'sections.timeline')}</h2>
        <ol class="timeline">
          {model.timeline.map((event) => (
            <li>
              <p class="event-head">
                <strong>{t(lang, `lifecycle.commands.${event.type}`)}</strong>
                {' · '}
                {when(lang, event.at)}
                {' · '}
                {who(lang, event, s)}
              </p>
              <p class="event-status">
                {event.from ? `${statusText(lang, event.from)} → ` : ''}
                {statusText(lang, event.to)}
              </p>
              <EventDetails lang={lang} event={event} />
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="h-files">
        <h2 id="h-files">{ct(lang, 'sections.files')}</h2>
        <ul>
          <li>
            <a href={`/cases/${s.reference}/pdf`}>{t(lang, 'pdf.files.downloadPdf')}</a>
          </li>
          {model.attachments.map((a) => (
            <li>
              <a href={`/cases/${s.reference}/attachments/${a.id}`}>{a.name}</a>{' '}
              <span class="hint">
                ({Math.max(1, Math.round(a.size / 1024))} kB, {when(lang, a.uploadedAt, false)})
              </span>
            </li>
          ))}
          {model.mayUploadAnalysis ? (
            <li>
              <a href={`/cases/${s.reference}/attachments/new`}>{t(lang, 'pdf.files.addAnalysis')}</a>
            </li>
          ) : null}
        </ul>
      </section>
      <section aria-labelledby="h-intake">
        <h2 id="h-intake">{ct(lang, 'sections.intake')}</h2>
        {model.sections.map((section) => (
          <section class="intake-section" aria-label={section.title}>
            <h3>{section.title}</h3>
            {section.blocks.map((block) => (
              <Block block={block} />
            ))}
          </section>
        ))}
      </section>
    </Layout>
  )
}

/** The one answer for an unknown case and a case this person may not see (no enumeration). */
export function CaseNotFoundPage({ ctx }: { ctx: PageContext }) {
  const { lang } = ctx
  return (
    <Layout ctx={ctx} title={ct(lang, 'notFoundTitle')}>
      <h1>{ct(lang, 'notFoundTitle')}</h1>
      <p>{ct(lang, 'notFound')}</p>
      <p>
        <a href="/cases">{ct(lang, 'backToList')}</a>
      </p>
    </Layout>
  )
}
