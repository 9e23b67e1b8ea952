/** @jsxImportSource hono/jsx */
import { interventionName, t } from '../../src/domain/copy'
import type {
  ActionView,
  FieldError,
  FieldView,
  NoticeView,
  ReviewSection,
  ScreenView,
} from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { LIMITS } from '../../src/domain/intake'
import { reasonGroups } from '../../src/domain/routing'
import type { RoutingDecision } from '../../src/domain/types'
import { CsrfField, Layout, type PageContext } from './layout'
import { PhoneText } from './phone-text'

/** The HTML id of a form field (intake paths contain dots and brackets). */
export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`
}

/** Marks checkbox groups in the form: an unticked group sends nothing, the marker says it was there. */
export const MULTI_MARKER = '_multi'

type Errors = Map<string, string>

function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean)
  return ids.length > 0 ? ids.join(' ') : undefined
}

function FieldLabelText({ field, lang }: { field: FieldView; lang: Lang }) {
  return (
    <>
      {field.label}
      {field.required ? null : field.requiredWhenApplies ? (
        <span class="optional"> {t(lang, 'web.intake.requiredWhenApplies')}</span>
      ) : (
        <span class="optional"> {t(lang, 'web.intake.optional')}</span>
      )}
    </>
  )
}

function HintAndError({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  return (
    <>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">! </span>
          {error}
        </p>
      ) : null}
    </>
  )
}

/** An ISO date or month as typed in the form: 2026-11-20 → 20-11-2026, 2025-03 → 03-2025; anything else as is. */
function localDate(value: string): string {
  return /^\d{4}-\d{2}(-\d{2})?$/.test(value) ? value.split('-').reverse().join('-') : value
}

function scalar(value: FieldView['value']): string {
  return typeof value === 'string' ? value : ''
}

function inputType(kind: FieldView['kind']): string {
  switch (kind) {
    case 'email':
      return 'email'
    case 'tel':
      return 'tel'
    default:
      return 'text'
  }
}

function ChoiceGroup({
  field,
  name,
  lang,
  error,
  type,
}: {
  field: FieldView
  name: string
  lang: Lang
  error?: string
  type: 'radio' | 'checkbox'
}) {
  const id = fieldId(name)
  const options =
    field.options ??
    (field.kind === 'boolean'
      ? [
          { value: 'true', label: t(lang, 'web.intake.yes') },
          { value: 'false', label: t(lang, 'web.intake.no') },
        ]
      : [])
  const selected = Array.isArray(field.value)
    ? (field.value as unknown[]).filter((v): v is string => typeof v === 'string')
    : [scalar(field.value)]
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <fieldset aria-describedby={describedBy(id, Boolean(field.hint), Boolean(error))}>
        <legend>
          <FieldLabelText field={field} lang={lang} />
        </legend>
        <HintAndError id={id} hint={field.hint} error={error} />
        {type === 'checkbox' ? <input type="hidden" name={MULTI_MARKER} value={name} /> : null}
        {options.map((option, i) => {
          const optionId = i === 0 ? id : `${id}-${i}`
          return (
            <div class="choice">
              <input
                type={type}
                id={optionId}
                name={name}
                value={option.value}
                checked={selected.includes(option.value)}
                aria-invalid={error ? 'true' : undefined}
              />
              <label for={optionId}>{option.label}</label>
            </div>
          )
        })}
      </fieldset>
    </div>
  )
}

/** The longest free text (LIMITS.longText): question, perspective, the reasons in the history. */
const TEXT_LIMIT = LIMITS.longText

function number(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB').format(n)
}

/** "123 van 5.000 tekens" — the counter as rendered by the server (the script updates it while typing). */
function counterText(lang: Lang, count: number): string {
  return t(lang, 'web.intake.counter', { max: number(lang, TEXT_LIMIT) }).replace(
    '{count}',
    number(lang, count),
  )
}

/**
 * Progressive enhancement (CSP nonce): the character counters follow typing. Without it the server-rendered
 * count and the server's message still say everything.
 */
const COUNTER_SCRIPT = `document.querySelectorAll('textarea[data-max]').forEach(function(el){var out=document.getElementById(el.id+'-count');if(!out)return;var max=Number(el.getAttribute('data-max'));var tpl=out.getAttribute('data-template')||'';var fmt=new Intl.NumberFormat(document.documentElement.lang==='en'?'en-GB':'nl-NL');var show=function(){out.textContent=tpl.replace('{count}',fmt.format(el.value.length));out.className=el.value.length>max?'counter over':'counter'};el.addEventListener('input',show);show()})`

/** The page's one script, by nonce; only pages with a counter carry it. */
export function CounterScript({ nonce }: { nonce: string }) {
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: COUNTER_SCRIPT }} />
}

function ScalarField({
  field,
  name,
  lang,
  error,
}: {
  field: FieldView
  name: string
  lang: Lang
  error?: string
}) {
  const id = fieldId(name)
  const common = {
    id,
    name,
    'aria-describedby': describedBy(id, Boolean(field.hint), Boolean(error)),
    'aria-invalid': error ? 'true' : undefined,
    'aria-required': field.required ? 'true' : undefined,
  }
  let control: unknown
  if (field.kind === 'textarea') {
    // No maxlength: the browser would cut pasted text silently. The counter shows the limit (and, with the
    // small script of the page, updates while typing); the server refuses a longer text with a message.
    const value = scalar(field.value)
    const counterId = `${id}-count`
    control = (
      <>
        <textarea
          {...common}
          aria-describedby={[common['aria-describedby'], counterId].filter(Boolean).join(' ')}
          rows={6}
          data-max={TEXT_LIMIT}
        >
          {value}
        </textarea>
        <p
          class={value.length > TEXT_LIMIT ? 'counter over' : 'counter'}
          id={counterId}
          data-template={t(lang, 'web.intake.counter', { max: number(lang, TEXT_LIMIT) })}
        >
          {counterText(lang, value.length)}
        </p>
      </>
    )
  } else if (field.kind === 'select') {
    const value = scalar(field.value)
    control = (
      <select {...common}>
        <option value="">{t(lang, 'web.intake.choose')}</option>
        {(field.options ?? []).map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    )
  } else {
    const numeric = field.kind === 'year' || field.kind === 'integer'
    // Dates and months as text in the page's language (dd-mm-jjjj / dd-mm-yyyy), not the browser's date
    // picker, which follows the browser's locale (issue 13 §12); the dialogue reads both dd-mm-yyyy and ISO.
    const dated = field.kind === 'date' || field.kind === 'month'
    control = (
      <input
        {...common}
        type={inputType(field.kind)}
        value={dated ? localDate(scalar(field.value)) : scalar(field.value)}
        class={numeric || dated ? 'short' : undefined}
        inputmode={numeric ? 'numeric' : undefined}
        autocomplete={field.kind === 'email' ? 'email' : field.kind === 'tel' ? 'tel' : 'off'}
        spellcheck={field.kind === 'text' ? undefined : false}
      />
    )
  }
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>
        <FieldLabelText field={field} lang={lang} />
        {field.kind === 'date' || field.kind === 'month' ? (
          <span class="format"> ({t(lang, `web.intake.format.${field.kind}`)})</span>
        ) : null}
      </label>
      <HintAndError id={id} hint={field.hint} error={error} />
      {control}
    </div>
  )
}

/** Item field names may be relative (`what`) or full (`help.history[0].what`); rows use the relative part. */
function relativeName(listName: string, itemName: string): string {
  const full = itemName.match(/^(.*)\[\d+\]\.(.+)$/)
  if (full && full[1] === listName) return full[2] ?? itemName
  return itemName.startsWith(`${listName}.`) ? itemName.slice(listName.length + 1) : itemName
}

function ListField({ field, lang, errors }: { field: FieldView; lang: Lang; errors: Errors }) {
  const id = fieldId(field.name)
  const rows = Array.isArray(field.value)
    ? (field.value as unknown[]).filter(
        (r): r is Record<string, string> => typeof r === 'object' && r !== null,
      )
    : []
  // A row with every field empty is ignored by the dialogue, so one empty row is always safe to show.
  const count = Math.max(1, rows.length)
  const error = field.error ?? errors.get(field.name)
  const add = field.actions?.find((a) => a.id.startsWith('add:'))
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <fieldset aria-describedby={describedBy(id, Boolean(field.hint), Boolean(error))}>
        <legend>
          <FieldLabelText field={field} lang={lang} />
        </legend>
        <HintAndError id={id} hint={field.hint} error={error} />
        {Array.from({ length: count }, (_, i) => {
          const remove = field.actions?.find((a) => a.id === `remove:${field.name}:${i}`)
          return (
            <fieldset class="row">
              <legend>{t(lang, 'web.intake.row', { n: i + 1 })}</legend>
              {(field.itemFields ?? []).map((item) => {
                const rel = relativeName(field.name, item.name)
                const name = `${field.name}[${i}].${rel}`
                const value = rows[i]?.[rel] ?? ''
                return <FieldControl field={{ ...item, name, value }} lang={lang} errors={errors} />
              })}
              {remove ? (
                <button type="submit" name="_action" value={remove.id}>
                  {remove.label}
                </button>
              ) : null}
            </fieldset>
          )
        })}
        {add ? (
          <button type="submit" name="_action" value={add.id}>
            {add.label}
          </button>
        ) : null}
      </fieldset>
    </div>
  )
}

function FieldControl({ field, lang, errors }: { field: FieldView; lang: Lang; errors: Errors }) {
  if (field.kind === 'list') return <ListField field={field} lang={lang} errors={errors} />
  const error = field.error ?? errors.get(field.name)
  if (field.kind === 'radio' || field.kind === 'boolean')
    return <ChoiceGroup field={field} name={field.name} lang={lang} error={error} type="radio" />
  if (field.kind === 'checkboxes')
    return <ChoiceGroup field={field} name={field.name} lang={lang} error={error} type="checkbox" />
  return <ScalarField field={field} name={field.name} lang={lang} error={error} />
}

/** Danger notices interrupt (role=alert); warnings and information are labelled notes. */
export function Notice({ notice, titleShown = false }: { notice: NoticeView; titleShown?: boolean }) {
  const id = `notice-${notice.id.replace(/[^A-Za-z0-9_-]+/g, '-')}`
  return (
    <section
      class={`notice notice-${notice.tone}`}
      role={notice.tone === 'danger' ? 'alert' : 'note'}
      aria-labelledby={id}
    >
      {/* On a notice page the page heading already says it; the region keeps its name for screen readers. */}
      <h2 id={id} class={titleShown ? 'visually-hidden' : undefined}>
        {notice.title}
      </h2>
      {notice.body.map((p) => (
        <p>
          <PhoneText text={p} />
        </p>
      ))}
    </section>
  )
}

/** The error summary: announced, focused on load, each message a link to its field. */
export function ErrorSummary({ errors, lang }: { errors: FieldError[]; lang: Lang }) {
  if (errors.length === 0) return null
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">{t(lang, 'web.intake.errorSummaryTitle')}</h2>
      <ul>
        {errors.map((e) => (
          <li>{e.field ? <a href={`#${fieldId(e.field)}`}>{e[lang]}</a> : e[lang]}</li>
        ))}
      </ul>
    </div>
  )
}

function ActionButton({ action }: { action: ActionView }) {
  return (
    <button type="submit" name="_action" value={action.id} class={action.primary ? 'primary' : undefined}>
      {action.label}
    </button>
  )
}

function Decision({ decision, lang }: { decision: RoutingDecision; lang: Lang }) {
  const none = t(lang, 'web.intake.review.none')
  const groups = reasonGroups(decision)
  return (
    <section class="decision" aria-labelledby="decision-title">
      <h2 id="decision-title">{t(lang, 'web.intake.review.decision')}</h2>
      <p class="primary-route">{interventionName(lang, decision.primary)}</p>
      <h3>{t(lang, 'web.intake.review.reasons')}</h3>
      {groups.length > 0 ? (
        groups.map((g) => (
          <section class="reason-group" aria-labelledby={`reasons-${g.intervention.replace(/\W/g, '')}`}>
            <h4 id={`reasons-${g.intervention.replace(/\W/g, '')}`}>
              {t(lang, 'web.intake.review.reasonsFor', {
                intervention: interventionName(lang, g.intervention),
                score: g.score,
              })}
            </h4>
            <ul>
              {g.reasons.map((r) => (
                <li>
                  {r.weight > 0 ? `+${r.weight}: ` : r.weight < 0 ? `${r.weight}: ` : ''}
                  {r[lang]}
                </li>
              ))}
            </ul>
          </section>
        ))
      ) : (
        <p>{none}</p>
      )}
      <h3>{t(lang, 'web.intake.review.alternatives')}</h3>
      <p>
        {decision.alternatives.length > 0
          ? decision.alternatives.map((a) => interventionName(lang, a)).join(', ')
          : none}
      </p>
      {decision.gates.length > 0 ? (
        <>
          <h3>{t(lang, 'web.intake.review.gates')}</h3>
          <ul>
            {decision.gates.map((g) => (
              <li>{g[lang]}</li>
            ))}
          </ul>
        </>
      ) : null}
      {decision.missing.length > 0 ? (
        <>
          <h3>{t(lang, 'web.intake.review.missing')}</h3>
          <ul>
            {decision.missing.map((m) => {
              const key = `web.intake.review.missingItems.${m}`
              const text = t(lang, key)
              return <li>{text === key ? m : text}</li>
            })}
          </ul>
        </>
      ) : null}
      <p>{t(lang, 'web.intake.review.chairDecides')}</p>
    </section>
  )
}

function ReviewAnswers({
  sections,
  actions,
  lang,
}: {
  sections: ReviewSection[]
  actions: ActionView[]
  lang: Lang
}) {
  return (
    <section aria-labelledby="answers-title">
      <h2 id="answers-title">{t(lang, 'web.intake.review.answers')}</h2>
      {sections.map((section) => {
        const edit = actions.find((a) => a.id === `edit:${section.stepId}`)
        const headingId = `review-${section.stepId.replace(/[^A-Za-z0-9_-]+/g, '-')}`
        return (
          <section aria-labelledby={headingId}>
            <div class="section-head">
              <h3 id={headingId}>{section.title}</h3>
              {edit ? (
                <button type="submit" name="_action" value={edit.id}>
                  {t(lang, 'web.intake.edit')}
                  <span class="visually-hidden"> {section.title}</span>
                </button>
              ) : null}
            </div>
            <dl class="answers">
              {section.rows.map((row) => (
                <div>
                  <dt>{row.label}</dt>
                  <dd>{row.value === '' ? t(lang, 'web.intake.empty') : row.value}</dd>
                </div>
              ))}
            </dl>
          </section>
        )
      })}
    </section>
  )
}

/**
 * One step of the intake (or a notice, or the review) as a page: progress, error summary, notices,
 * fields with labels/hints/errors tied by `aria-describedby`, then the actions (primary first, so
 * Enter submits "next").
 */
export function IntakePage({ ctx, view }: { ctx: PageContext; view: ScreenView }) {
  const lang = view.lang
  const errors: Errors = new Map(view.errors.map((e) => [e.field, e[lang]]))
  const actions = [...view.actions].sort((a, b) => Number(Boolean(b.primary)) - Number(Boolean(a.primary)))
  const pageCtx = { ...ctx, lang }
  const editIds = new Set((view.review?.sections ?? []).map((s) => `edit:${s.stepId}`))
  const title = view.errors.length > 0 ? `${t(lang, 'web.errors.title')}: ${view.title}` : view.title
  return (
    <Layout ctx={pageCtx} title={title}>
      {view.progress.total > 0 ? (
        <>
          <p class="progress" id="progress">
            {view.progress.label}
          </p>
          <progress max={view.progress.total} value={view.progress.current} aria-labelledby="progress" />
        </>
      ) : null}
      {/* After each step focus lands on the step's heading, or on the error summary when there are errors
          (issue 13 §14): a screen reader starts at the new step, not at the top of the page. */}
      <h1 id="step-title" tabindex={-1} autofocus={view.errors.length === 0 ? true : undefined}>
        {view.title}
      </h1>
      <ErrorSummary errors={view.errors} lang={lang} />
      {view.intro ? <p class="intro">{view.intro}</p> : null}
      {view.notices.map((n) => (
        <Notice notice={n} titleShown={n.title === view.title} />
      ))}
      <form method="post" action="/intake" novalidate aria-labelledby="intake-form-title">
        <h2 id="intake-form-title" class="visually-hidden">
          {t(lang, 'web.intake.formLabel')}
        </h2>
        <CsrfField ctx={pageCtx} />
        <input type="hidden" name="_step" value={view.stepId} />
        <input type="hidden" name="_phase" value={view.phase} />
        {view.fields.map((field) => (
          <FieldControl field={field} lang={lang} errors={errors} />
        ))}
        {view.review ? (
          <>
            <ReviewAnswers sections={view.review.sections} actions={view.actions} lang={lang} />
            {view.review.summary.length > 0 ? (
              <section aria-labelledby="summary-title">
                <h2 id="summary-title">{t(lang, 'web.intake.review.summary')}</h2>
                <ul>
                  {view.review.summary.map((s) => (
                    <li>{s}</li>
                  ))}
                </ul>
              </section>
            ) : null}
            {view.review.decision ? <Decision decision={view.review.decision} lang={lang} /> : null}
          </>
        ) : null}
        <div class="actions">
          {actions
            .filter((a) => !editIds.has(a.id))
            .map((a) => (
              <ActionButton action={a} />
            ))}
        </div>
      </form>
      {view.fields.some((f) => f.kind === 'textarea') ? <CounterScript nonce={ctx.nonce} /> : null}
    </Layout>
  )
}
