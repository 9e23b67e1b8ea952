/** @jsxImportSource hono/jsx */
import { t } from '../../src/domain/copy'
import type { LeadTimeStats } from '../../src/domain/digest'
import type { Intervention, Lang, Municipality } from '../../src/domain/enums'
import {
  AGE_BUCKETS,
  DECLINE_DESTINATIONS,
  type Monitoring,
  type MonitoringQuery,
  type Share,
  STAGES,
  type StageStats,
  WAITING_STATUSES,
  YES_PARTLY_NO,
} from '../../src/domain/monitoring'
import { buildTrendSvg, interventionLabel, quarterLabel } from '../../src/domain/monitoring-render'
import { Layout, type PageContext, renderDocument } from './layout'

/**
 * The coordinators' monitoring page (issue 15 §3): filters, quarter-by-quarter SVG charts each with a
 * table beside it, lead times per intervention and municipality, waiting cases, shares and outcomes,
 * and the CSV/JSON export (aggregates only). Every number in a chart is also in a table.
 */

const MONITORING_CSS =
  '.scroll{overflow-x:auto;margin:0 0 1.5rem}.pair{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}' +
  '.pair figure{flex:1 1 22rem;margin:0}.pair .scroll{flex:1 1 18rem}figure.chart svg{max-width:100%;height:auto}' +
  'figure.chart figcaption{font-weight:600;margin-bottom:.5rem}.num{text-align:right;font-variant-numeric:tabular-nums}' +
  '.hint{color:#505a5f;font-size:.95rem}form.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}' +
  'form.filters div{display:flex;flex-direction:column;gap:.25rem}'

function stat(value: number | null): string {
  return value === null ? '–' : String(value)
}

function percent(s: Share): string {
  return s.share === null ? '–' : `${Math.round(s.share * 1000) / 10}%`
}

/** The query string of the current filters, for the export links. */
export function monitoringSearch(q: MonitoringQuery): string {
  const params = new URLSearchParams({ from: q.from, to: q.to })
  if (q.municipality) params.set('municipality', q.municipality)
  if (q.intervention) params.set('intervention', q.intervention)
  return params.toString()
}

function StageHead({ lang }: { lang: Lang }) {
  return (
    <>
      <tr>
        <th scope="col" rowspan={2}>
          {t(lang, 'monitoring.page.stage')}
        </th>
        {STAGES.map((s) => (
          <th scope="colgroup" colspan={3}>
            {t(lang, `monitoring.stages.${s}`)}
          </th>
        ))}
      </tr>
      <tr>
        {STAGES.map(() => (
          <>
            <th scope="col" class="num">
              {t(lang, 'monitoring.page.median')}
            </th>
            <th scope="col" class="num">
              {t(lang, 'monitoring.page.p90')}
            </th>
            <th scope="col" class="num">
              {t(lang, 'monitoring.page.n')}
            </th>
          </>
        ))}
      </tr>
    </>
  )
}

function StageCells({ stats }: { stats: StageStats }) {
  return (
    <>
      {STAGES.map((s) => {
        const x: LeadTimeStats = stats[s]
        return (
          <>
            <td class="num">{stat(x.median)}</td>
            <td class="num">{stat(x.p90)}</td>
            <td class="num">{x.n}</td>
          </>
        )
      })}
    </>
  )
}

function StageTable({ lang, caption, rows }: { lang: Lang; caption: string; rows: [string, StageStats][] }) {
  return (
    <div class="scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <StageHead lang={lang} />
        </thead>
        <tbody>
          {rows.map(([name, stats]) => (
            <tr>
              <th scope="row">{name}</th>
              <StageCells stats={stats} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** One trend: the SVG chart and, beside it, the table with the same numbers. */
function Trend({
  lang,
  id,
  caption,
  points,
  extra,
}: {
  lang: Lang
  id: string
  caption: string
  points: { label: string; value: number | null; n?: number }[]
  extra?: string
}) {
  return (
    <div class="pair">
      <figure class="chart" id={id}>
        <figcaption>{caption}</figcaption>
        <div
          dangerouslySetInnerHTML={{
            __html: buildTrendSvg(`${id}-svg`, caption, points, t(lang, 'monitoring.page.noData')),
          }}
        />
      </figure>
      <div class="scroll">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t(lang, 'monitoring.page.quarter')}</th>
              <th scope="col" class="num">
                {t(lang, 'monitoring.page.value')}
              </th>
              {extra ? (
                <th scope="col" class="num">
                  {extra}
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr>
                <th scope="row">{p.label}</th>
                <td class="num">{stat(p.value)}</td>
                {extra ? <td class="num">{p.n ?? 0}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

function Filters({ lang, query, model }: { lang: Lang; query: MonitoringQuery; model: Monitoring }) {
  return (
    <form class="filters" method="get" action="/monitoring">
      <div>
        <label for="f-from">{t(lang, 'monitoring.page.from')}</label>
        <input type="date" id="f-from" name="from" value={query.from} required />
      </div>
      <div>
        <label for="f-to">{t(lang, 'monitoring.page.to')}</label>
        <input type="date" id="f-to" name="to" value={query.to} required />
      </div>
      <div>
        <label for="f-municipality">{t(lang, 'monitoring.page.municipality')}</label>
        <select id="f-municipality" name="municipality">
          <option value="">{t(lang, 'monitoring.page.all')}</option>
          {Object.keys(model.leadTimes.byMunicipality).map((m) => (
            <option value={m} selected={query.municipality === m}>
              {m}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-intervention">{t(lang, 'monitoring.page.intervention')}</label>
        <select id="f-intervention" name="intervention">
          <option value="">{t(lang, 'monitoring.page.all')}</option>
          {(Object.keys(model.leadTimes.byIntervention) as Intervention[]).map((i) => (
            <option value={i} selected={query.intervention === i}>
              {interventionLabel(lang, i)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="button">
        {t(lang, 'monitoring.page.apply')}
      </button>
    </form>
  )
}

function CountTable({
  caption,
  head,
  rows,
}: {
  caption: string
  head: [string, string]
  rows: [string, string | number][]
}) {
  return (
    <div class="scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head[0]}</th>
            <th scope="col" class="num">
              {head[1]}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, value]) => (
            <tr>
              <th scope="row">{name}</th>
              <td class="num">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** The monitoring page. `invalid`: the filters in the address were not valid and the default is shown. */
export function MonitoringPage({
  ctx,
  model,
  query,
  invalid,
}: {
  ctx: PageContext
  model: Monitoring
  query: MonitoringQuery
  invalid: boolean
}) {
  const { lang } = ctx
  const search = monitoringSearch(query)
  const quarters = model.quarters.map((q) => ({ ...q, label: quarterLabel(lang, q.quarter, q.partial) }))
  const o = model.outcomes
  const share = (key: 'analysisPresent' | 'urgent' | 'consultation' | 'gpRedirected' | 'declined') => {
    const s = model.shares[key]
    return (
      <tr>
        <th scope="row">{t(lang, `monitoring.shares.${key}`)}</th>
        <td class="num">{s.count}</td>
        <td class="num">{s.of}</td>
        <td class="num">{percent(s)}</td>
      </tr>
    )
  }
  return (
    <Layout ctx={ctx} title={t(lang, 'monitoring.page.title')}>
      <style nonce={ctx.nonce} dangerouslySetInnerHTML={{ __html: MONITORING_CSS }} />
      <h1>{t(lang, 'monitoring.page.title')}</h1>
      <p>{t(lang, 'monitoring.page.intro')}</p>
      {invalid ? (
        <p class="error" role="alert">
          {t(lang, 'monitoring.page.invalid')}
        </p>
      ) : null}
      <Filters lang={lang} query={query} model={model} />
      <p class="hint" id="period">
        {t(lang, 'monitoring.page.period', { from: model.from, to: model.to })}
        {model.filter.municipality ? ` · ${model.filter.municipality}` : ''}
        {model.filter.intervention ? ` · ${interventionLabel(lang, model.filter.intervention)}` : ''}
      </p>
      <p>
        <a class="button primary" id="download-csv" href={`/monitoring.csv?${search}`} download>
          {t(lang, 'monitoring.page.downloadCsv')}
        </a>{' '}
        <a class="button" id="download-json" href={`/monitoring.json?${search}`} download>
          {t(lang, 'monitoring.page.downloadJson')}
        </a>
      </p>
      <p class="hint">{t(lang, 'monitoring.page.downloadHint')}</p>
      {model.submitted === 0 ? <p id="empty">{t(lang, 'monitoring.page.empty')}</p> : null}

      <h2 id="trends">{t(lang, 'monitoring.page.trends')}</h2>
      <Trend
        lang={lang}
        id="trend-submitted"
        caption={t(lang, 'monitoring.page.submittedCaption')}
        points={quarters.map((q) => ({ label: q.label, value: q.submitted }))}
      />
      {STAGES.map((stage) => (
        <Trend
          lang={lang}
          id={`trend-${stage}`}
          caption={t(lang, 'monitoring.page.trendCaption', { stage: t(lang, `monitoring.stages.${stage}`) })}
          points={quarters.map((q) => ({
            label: q.label,
            value: q.leadTimes[stage].median,
            n: q.leadTimes[stage].n,
          }))}
          extra={t(lang, 'monitoring.page.n')}
        />
      ))}

      <h2 id="lead-times">{t(lang, 'monitoring.page.leadTimes')}</h2>
      <StageTable
        lang={lang}
        caption={t(lang, 'monitoring.page.byIntervention')}
        rows={(Object.keys(model.leadTimes.byIntervention) as Intervention[]).map((i) => [
          interventionLabel(lang, i),
          model.leadTimes.byIntervention[i],
        ])}
      />
      <StageTable
        lang={lang}
        caption={t(lang, 'monitoring.page.byMunicipality')}
        rows={(Object.keys(model.leadTimes.byMunicipality) as Municipality[]).map((m) => [
          m,
          model.leadTimes.byMunicipality[m],
        ])}
      />

      <h2 id="waiting">{t(lang, 'monitoring.waiting.heading')}</h2>
      <p>
        {t(lang, 'monitoring.waiting.total')}: {model.waiting.total}
      </p>
      <CountTable
        caption={t(lang, 'monitoring.waiting.byStatus')}
        head={[t(lang, 'digest.columns.status'), t(lang, 'monitoring.page.count')]}
        rows={WAITING_STATUSES.map((s) => [t(lang, `lifecycle.statuses.${s}`), model.waiting.byStatus[s]])}
      />
      <CountTable
        caption={t(lang, 'monitoring.waiting.byAge')}
        head={[t(lang, 'monitoring.waiting.byAge'), t(lang, 'monitoring.page.count')]}
        rows={AGE_BUCKETS.map((b) => [b, model.waiting.byAge[b]])}
      />

      <h2 id="shares">{t(lang, 'monitoring.page.shares')}</h2>
      <div class="scroll">
        <table>
          <caption>{t(lang, 'monitoring.page.shares')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(lang, 'monitoring.page.value')}</th>
              <th scope="col" class="num">
                {t(lang, 'monitoring.page.count')}
              </th>
              <th scope="col" class="num">
                {t(lang, 'monitoring.page.of')}
              </th>
              <th scope="col" class="num">
                {t(lang, 'monitoring.page.share')}
              </th>
            </tr>
          </thead>
          <tbody>
            {share('analysisPresent')}
            {share('urgent')}
            {share('consultation')}
            {share('gpRedirected')}
            {share('declined')}
          </tbody>
        </table>
      </div>
      <CountTable
        caption={t(lang, 'monitoring.page.declinedTo')}
        head={[t(lang, 'monitoring.page.declinedTo'), t(lang, 'monitoring.page.count')]}
        rows={DECLINE_DESTINATIONS.map((d) => [
          t(lang, `monitoring.destinations.${d}`),
          model.shares.declinedTo[d],
        ])}
      />

      <h2 id="outcomes">{t(lang, 'monitoring.page.outcomes')}</h2>
      <CountTable
        caption={t(lang, 'monitoring.page.outcomes')}
        head={[t(lang, 'monitoring.page.value'), t(lang, 'monitoring.page.count')]}
        rows={[
          [t(lang, 'monitoring.outcomes.advised'), o.advised],
          [t(lang, 'monitoring.outcomes.answered'), o.answered],
          ...YES_PARTLY_NO.map(
            (a) =>
              [
                `${t(lang, 'monitoring.outcomes.adviceFollowed')}: ${t(lang, `monitoring.answers.${a}`)}`,
                o.adviceFollowed[a],
              ] as [string, number],
          ),
          [t(lang, 'monitoring.outcomes.careStarted'), o.careStarted],
          ...YES_PARTLY_NO.map(
            (a) =>
              [
                `${t(lang, 'monitoring.outcomes.goalsReached')}: ${t(lang, `monitoring.answers.${a}`)}`,
                o.goalsReached[a],
              ] as [string, number],
          ),
          [t(lang, 'monitoring.outcomes.stoppedEarly'), o.stoppedEarly],
          [t(lang, 'monitoring.outcomes.usefulness'), stat(o.usefulness.mean)],
        ]}
      />
    </Layout>
  )
}

/** The refusal for a signed-in person without the coordinator or admin role. */
export function MonitoringForbiddenPage({ ctx }: { ctx: PageContext }) {
  const { lang } = ctx
  return (
    <Layout ctx={ctx} title={t(lang, 'monitoring.page.forbiddenTitle')}>
      <h1>{t(lang, 'monitoring.page.forbiddenTitle')}</h1>
      <p>{t(lang, 'monitoring.page.forbidden')}</p>
      <p>
        <a href="/">{t(lang, 'web.errors.goHome')}</a>
      </p>
    </Layout>
  )
}

/** String renderers for the monitoring routes. */
export const renderMonitoringWeb = {
  page: (ctx: PageContext, model: Monitoring, query: MonitoringQuery, invalid: boolean) =>
    renderDocument(<MonitoringPage ctx={ctx} model={model} query={query} invalid={invalid} />),
  forbidden: (ctx: PageContext) => renderDocument(<MonitoringForbiddenPage ctx={ctx} />),
}
