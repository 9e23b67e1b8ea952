/** @jsxImportSource hono/jsx */

import { type CaseListParams, STATUS_FILTERS } from '../../src/domain/case-list'
import { t } from '../../src/domain/copy'
import { INTERVENTIONS, type Intervention, type Lang, URGENCIES } from '../../src/domain/enums'
import { ct, enumText, StatusBadge, statusText, when } from './console-parts'
import { Layout, type PageContext } from './layout'

/** One row of the case list (non-personal state, plus the pseudonym for those who may see it). */
export interface ConsoleRow {
  reference: string
  status: string
  intervention: Intervention
  municipality: string
  urgency: string
  pseudonym: string | null
  submittedAt: string
  statusSince: string
  /** Working days in the current status. */
  waitingDays: number
  stalled: boolean
}

export interface CasesPageModel {
  /** `chair`: the region's cases with filters; `referrer`: the cases this person filed. */
  mode: 'chair' | 'referrer'
  rows: ConsoleRow[]
  params: CaseListParams
  /** The municipalities this chair may filter on (their scope). */
  municipalities: readonly string[]
  /** The interventions of the region's pack (the filter's choices); default every one the engine knows. */
  interventions?: readonly Intervention[]
  /** The next page's address, or null on the last page. */
  nextHref: string | null
  /** Back to the first page, when this is a later one. */
  firstHref: string | null
}

function Select({
  lang,
  name,
  values,
  selected,
  any,
  text,
}: {
  lang: Lang
  name: string
  values: readonly string[]
  selected: string | undefined
  any: string | null
  text: (value: string) => string
}) {
  return (
    <div class="field filter">
      <label for={`f-${name}`}>{ct(lang, `filters.${name}`)}</label>
      <select id={`f-${name}`} name={name}>
        {any === null ? null : (
          <option value="" selected={selected === undefined}>
            {any}
          </option>
        )}
        {values.map((v) => (
          <option value={v} selected={selected === v}>
            {text(v)}
          </option>
        ))}
      </select>
    </div>
  )
}

function Filters({ ctx, model }: { ctx: PageContext; model: CasesPageModel }) {
  const { lang } = ctx
  const p = model.params
  const statusLabel = (s: string) =>
    s === 'open' || s === 'all' ? ct(lang, `filters.statusAll.${s}`) : statusText(lang, s)
  return (
    <form method="get" action="/cases" class="filters" aria-label={ct(lang, 'filters.label')}>
      <Select
        lang={lang}
        name="status"
        values={STATUS_FILTERS}
        selected={p.status}
        any={null}
        text={statusLabel}
      />
      <Select
        lang={lang}
        name="intervention"
        values={model.interventions ?? INTERVENTIONS}
        selected={p.intervention}
        any={ct(lang, 'filters.any')}
        text={(v) => enumText(lang, 'intervention', v)}
      />
      <Select
        lang={lang}
        name="municipality"
        values={model.municipalities}
        selected={p.municipality}
        any={ct(lang, 'filters.any')}
        text={(v) => enumText(lang, 'municipality', v)}
      />
      <Select
        lang={lang}
        name="urgency"
        values={URGENCIES}
        selected={p.urgency}
        any={ct(lang, 'filters.any')}
        text={(v) => enumText(lang, 'urgency', v)}
      />
      <Select
        lang={lang}
        name="sort"
        values={['waiting', 'recent']}
        selected={p.sort}
        any={null}
        text={(v) => ct(lang, `filters.sortBy.${v}`)}
      />
      <div class="choice filter-check">
        <input type="checkbox" id="f-stalled" name="stalled" value="1" checked={p.stalled} />
        <label for="f-stalled">{ct(lang, 'filters.stalled')}</label>
      </div>
      <div class="filter-actions">
        <button type="submit" class="primary">
          {ct(lang, 'filters.apply')}
        </button>
        <a href="/cases">{ct(lang, 'filters.reset')}</a>
      </div>
    </form>
  )
}

function Rows({ ctx, model }: { ctx: PageContext; model: CasesPageModel }) {
  const { lang } = ctx
  const chair = model.mode === 'chair'
  const head = chair
    ? ['reference', 'pseudonym', 'status', 'intervention', 'municipality', 'urgency', 'waiting']
    : ['reference', 'status', 'intervention', 'submitted', 'files']
  const col = (key: string) => ct(lang, `columns.${key}`)
  return (
    <table class="stack">
      <caption>{ct(lang, chair ? 'captionChair' : 'captionReferrer')}</caption>
      <thead>
        <tr>
          {head.map((key) => (
            <th scope="col">{col(key)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {model.rows.map((r) => (
          <tr>
            <th scope="row" data-label={col('reference')}>
              <a href={`/cases/${r.reference}`}>{r.reference}</a>
            </th>
            {chair ? <td data-label={col('pseudonym')}>{r.pseudonym ?? ct(lang, 'consultation')}</td> : null}
            <td data-label={col('status')}>
              <StatusBadge lang={lang} status={r.status} />
            </td>
            <td data-label={col('intervention')}>{enumText(lang, 'intervention', r.intervention)}</td>
            {chair ? (
              <>
                <td data-label={col('municipality')}>{enumText(lang, 'municipality', r.municipality)}</td>
                <td data-label={col('urgency')}>{enumText(lang, 'urgency', r.urgency)}</td>
                <td data-label={col('waiting')}>
                  {ct(lang, 'waitingDays', { days: r.waitingDays })}
                  {r.stalled ? <span class="badge badge-stalled">{ct(lang, 'stalled')}</span> : null}
                </td>
              </>
            ) : (
              <>
                <td data-label={col('submitted')}>{when(lang, r.submittedAt, false)}</td>
                <td data-label={col('files')}>
                  <a href={`/cases/${r.reference}/pdf`}>{t(lang, 'pdf.files.downloadPdf')}</a>
                  {' · '}
                  <a href={`/cases/${r.reference}/attachments/new`}>{t(lang, 'pdf.files.addAnalysis')}</a>
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** `/cases`: the chairs' console (filters, waiting time, pages) or the referrer's own cases. */
export function CasesPage({ ctx, model }: { ctx: PageContext; model: CasesPageModel }) {
  const { lang } = ctx
  const chair = model.mode === 'chair'
  const title = ct(lang, chair ? 'titleChair' : 'titleReferrer')
  return (
    <Layout ctx={ctx} title={title} wide={chair}>
      <h1>{title}</h1>
      <p>{ct(lang, chair ? 'introChair' : 'introReferrer')}</p>
      {chair ? (
        <details class="help">
          <summary>{ct(lang, 'help.title')}</summary>
          <p>{ct(lang, 'help.where')}</p>
          <p>{ct(lang, 'help.how')}</p>
        </details>
      ) : null}
      {chair ? <Filters ctx={ctx} model={model} /> : null}
      {model.rows.length === 0 ? (
        <p class="empty">{ct(lang, chair ? 'emptyChair' : 'emptyReferrer')}</p>
      ) : (
        <Rows ctx={ctx} model={model} />
      )}
      {model.nextHref || model.firstHref ? (
        <nav class="pager" aria-label={ct(lang, 'pager.label')}>
          {model.firstHref ? <a href={model.firstHref}>{ct(lang, 'pager.first')}</a> : null}
          {model.nextHref ? <a href={model.nextHref}>{ct(lang, 'pager.next')}</a> : null}
        </nav>
      ) : null}
    </Layout>
  )
}
