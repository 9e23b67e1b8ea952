/** @jsxImportSource hono/jsx */
import { actorKeyUser } from '../../src/domain/actor-key'
import { label, t } from '../../src/domain/copy'
import type { Digest, LeadTimeStats, StalledEntry } from '../../src/domain/digest'
import { newAndOpenText, openByStatusText, quietText } from '../../src/domain/digest-lines'
import { buildDigestChartSvg, type ChartBreakdown } from '../../src/domain/digest-render'
import type { Intervention, Lang } from '../../src/domain/enums'
import { Layout, type PageContext, renderDocument } from './layout'

/**
 * The coordinators' weekly digest on the web (issue 6): the stalled list by reference and pseudonym,
 * counts with the week-on-week change, lead times, two SVG bar charts and the CSV download. Every number
 * in a chart is also in a table (a chart is never the only carrier of a number).
 */

// Page-only rules, under the page's CSP nonce: wide tables scroll sideways on a phone.
const DIGEST_CSS =
  '.scroll{overflow-x:auto;margin:0 0 1.5rem}.scroll table{min-width:36rem}figure.chart{margin:1rem 0 2rem}' +
  'figure.chart svg{max-width:100%;height:auto}figure.chart figcaption{font-weight:600;margin-bottom:.5rem}' +
  '.num{text-align:right;font-variant-numeric:tabular-nums}.hint{color:#505a5f;font-size:.95rem}'

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n)
}

/** Who takes the next step: the role, and the lead's user id when the lead is known. */
function ownerText(entry: StalledEntry, lang: Lang): string {
  const role = t(lang, `digest.owners.${entry.nextStep.owner}`)
  const user = actorKeyUser(entry.owner)
  return entry.nextStep.owner === 'lead' && user ? `${role} (${user})` : role
}

function stat(value: number | null): string {
  return value === null ? '–' : String(value)
}

function CountsTable({ digest, breakdown, lang }: { digest: Digest; breakdown: ChartBreakdown; lang: Lang }) {
  const rows = Object.entries(
    digest.change[breakdown] as Record<string, { now: number; weekAgo: number; delta: number }>,
  )
  return (
    <div class="scroll">
      <table>
        <caption>{`${t(lang, `digest.headings.${breakdown}`)}: ${t(lang, 'digest.page.countsCaption')}`}</caption>
        <thead>
          <tr>
            <th scope="col">
              {t(lang, `digest.columns.${breakdown === 'byIntervention' ? 'intervention' : 'municipality'}`)}
            </th>
            <th scope="col" class="num">
              {t(lang, 'digest.columns.now')}
            </th>
            <th scope="col" class="num">
              {t(lang, 'digest.columns.weekAgo')}
            </th>
            <th scope="col" class="num">
              {t(lang, 'digest.columns.delta')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, d]) => (
            <tr>
              <th scope="row">{breakdown === 'byIntervention' ? label(lang, 'intervention', name) : name}</th>
              <td class="num">{d.now}</td>
              <td class="num">{d.weekAgo}</td>
              <td class="num">{signed(d.delta)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t(lang, 'digest.page.total')}</th>
            <td class="num">{digest.change.total.now}</td>
            <td class="num">{digest.change.total.weekAgo}</td>
            <td class="num">{signed(digest.change.total.delta)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  )
}

function LeadTimeCells({ stats }: { stats: LeadTimeStats }) {
  return (
    <>
      <td class="num">{stat(stats.median)}</td>
      <td class="num">{stat(stats.p90)}</td>
      <td class="num">{stats.n}</td>
    </>
  )
}

/** The open and new cases, the stalled list and the counts with their charts (left out in a quiet week). */
function StalledAndCounts({ digest, lang }: { digest: Digest; lang: Lang }) {
  const byStatus = openByStatusText(digest, lang)
  return (
    <>
      <h2 id="open">{t(lang, 'digest.headings.open')}</h2>
      <p>{newAndOpenText(digest, lang)}</p>
      {byStatus ? <p class="hint">{byStatus}</p> : null}
      <h2 id="stalled">{`${t(lang, 'digest.headings.stalled')} (${digest.stalled.length})`}</h2>
      {digest.stalled.length === 0 ? (
        <p>{t(lang, 'digest.noneStalled')}</p>
      ) : (
        <div class="scroll">
          <table>
            <caption>{t(lang, 'digest.page.stalledCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(lang, 'digest.columns.reference')}</th>
                <th scope="col">{t(lang, 'digest.columns.pseudonym')}</th>
                <th scope="col">{t(lang, 'digest.columns.status')}</th>
                <th scope="col" class="num">
                  {t(lang, 'digest.columns.workingDaysInStatus')}
                </th>
                <th scope="col">{t(lang, 'digest.columns.owner')}</th>
                <th scope="col">{t(lang, 'digest.columns.nextStep')}</th>
                <th scope="col">{t(lang, 'digest.columns.due')}</th>
              </tr>
            </thead>
            <tbody>
              {digest.stalled.map((s) => (
                <tr>
                  <th scope="row">{s.reference}</th>
                  <td>{s.pseudonym ?? ''}</td>
                  <td>
                    {t(lang, `lifecycle.statuses.${s.status}`)}
                    <br />
                    <span class="hint">{t(lang, `digest.rules.${s.rule}`)}</span>
                  </td>
                  <td class="num">{s.workingDaysInStatus}</td>
                  <td>{ownerText(s, lang)}</td>
                  <td>{s.nextStep[lang]}</td>
                  <td>{s.nextStep.due}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="counts">{t(lang, 'digest.headings.change')}</h2>
      <p class="hint">{t(lang, `digest.changeBasis.${digest.change.basis}`)}</p>
      {(['byIntervention', 'byMunicipality'] as const).map((breakdown) => (
        <>
          <figure class="chart" id={`chart-${breakdown}`}>
            <figcaption>{t(lang, `digest.headings.${breakdown}`)}</figcaption>
            <div dangerouslySetInnerHTML={{ __html: buildDigestChartSvg(digest.change, breakdown, lang) }} />
          </figure>
          <CountsTable digest={digest} breakdown={breakdown} lang={lang} />
        </>
      ))}
    </>
  )
}

/** The digest page; the CSV download is `/digest.csv` (same digest, the reader's language). */
export function DigestPage({ ctx, digest }: { ctx: PageContext; digest: Digest }) {
  const { lang } = ctx
  const title = t(lang, 'digest.title', { week: digest.week })
  return (
    <Layout ctx={ctx} title={t(lang, 'digest.page.title')}>
      <style nonce={ctx.nonce} dangerouslySetInnerHTML={{ __html: DIGEST_CSS }} />
      <h1>{title}</h1>
      <p>{t(lang, 'digest.intro')}</p>
      <p class="hint">{t(lang, 'digest.page.asOf', { date: digest.date, week: digest.week })}</p>
      <p>
        <a class="button primary" href="/digest.csv" download={`ret-digest-${digest.week}.csv`}>
          {t(lang, 'digest.page.download')}
        </a>
      </p>
      <p class="hint">{t(lang, 'digest.page.downloadHint')}</p>

      {digest.quiet ? (
        <p id="quiet">
          <strong>{quietText(digest, lang)}</strong>
        </p>
      ) : (
        <StalledAndCounts digest={digest} lang={lang} />
      )}

      <h2 id="lead-times">{t(lang, 'digest.headings.leadTimes')}</h2>
      <div class="scroll">
        <table>
          <caption>{t(lang, 'digest.page.leadTimesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col" rowspan={2}>
                {t(lang, 'digest.columns.intervention')}
              </th>
              <th scope="colgroup" colspan={3}>
                {t(lang, 'digest.columns.submissionToTriage')}
              </th>
              <th scope="colgroup" colspan={3}>
                {t(lang, 'digest.columns.submissionToAdvice')}
              </th>
            </tr>
            <tr>
              {[0, 1].map(() => (
                <>
                  <th scope="col" class="num">
                    {t(lang, 'digest.columns.median')}
                  </th>
                  <th scope="col" class="num">
                    {t(lang, 'digest.columns.p90')}
                  </th>
                  <th scope="col" class="num">
                    {t(lang, 'digest.columns.n')}
                  </th>
                </>
              ))}
            </tr>
          </thead>
          <tbody>
            {(Object.keys(digest.leadTimes) as Intervention[]).map((i) => (
              <tr>
                <th scope="row">{label(lang, 'intervention', i)}</th>
                <LeadTimeCells stats={digest.leadTimes[i].submissionToTriage} />
                <LeadTimeCells stats={digest.leadTimes[i].submissionToAdvice} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  )
}

/** The refusal for a signed-in person without the coordinator or admin role. */
export function DigestForbiddenPage({ ctx }: { ctx: PageContext }) {
  const { lang } = ctx
  return (
    <Layout ctx={ctx} title={t(lang, 'digest.page.forbiddenTitle')}>
      <h1>{t(lang, 'digest.page.forbiddenTitle')}</h1>
      <p>{t(lang, 'digest.page.forbidden')}</p>
      <p>
        <a href="/">{t(lang, 'web.errors.goHome')}</a>
      </p>
    </Layout>
  )
}

/** String renderers for the digest routes. */
export const renderDigestWeb = {
  page: (ctx: PageContext, digest: Digest) => renderDocument(<DigestPage ctx={ctx} digest={digest} />),
  forbidden: (ctx: PageContext) => renderDocument(<DigestForbiddenPage ctx={ctx} />),
}
