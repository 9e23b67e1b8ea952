import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import type { CaseFormError, CasePageModel, ConsoleRow } from '../../adapters/web/console'
import { renderConsole, WEB_COMMANDS } from '../../adapters/web/console'
import { formValues, lifecycleFieldErrors, parseCommandForm } from '../../adapters/web/console-form'
import { ct } from '../../adapters/web/console-parts'
import type { FormBody } from '../../adapters/web/form'
import { formString } from '../../adapters/web/form'
import { renderWeb } from '../../adapters/web/render'
import { WEB_CSS } from '../../adapters/web/styles'
import { verifyCsrfToken } from '../auth/csrf'
import { can, chairCovers, identityKeyOf } from '../domain/access'
import { amsterdamDate } from '../domain/calendar'
import {
  cursorText,
  groupReasons,
  parseCaseListParams,
  stalledCutoffs,
  statusesOf,
  waitingWorkingDays,
} from '../domain/case-list'
import { t } from '../domain/copy'
import type { Lang } from '../domain/enums'
import { actorKey, availableCommands, type CaseState, type CommandType } from '../domain/lifecycle'
import { RectifyInputSchema, rectifyPartMessage } from '../domain/rectify'
import { regionOf } from '../domain/region'
import { buildReport } from '../domain/report'
import { assessCase, type CaseSummary } from '../domain/stalled'
import type { Actor } from '../domain/types'
import type { CaseFileStore } from '../ports/case-files'
import { type DigestRow, REFERENCE_PATTERN } from '../ports/case-store'
import { pseudonymAad } from '../ports/cipher'
import { authorize, buildAuditEntry, chairScopesOf } from '../services/access'
import { getCase, runCaseCommand } from '../services/cases'
import type { Deps } from '../services/deps'
import { listReportAttachments } from '../services/pdf'
import { runRectifyField } from '../services/rectify'
import { buildDeps } from '../wiring/deps'
import { htmlErrors, pageContext, type WebContext, type WebEnv, webContext } from './web-context'

/** Paths of the web console: the case list and one case. */
export const CASES_PATHS = ['/cases', '/cases/:reference'] as const

/** Cases per page of the list. */
export const CASES_PAGE_SIZE = 25

/** Overrides for tests: the dependencies (clock, configuration) and the file store. */
export interface WebCasesRouteOptions {
  deps?: (env: Env) => Deps
  files?: (env: Env) => CaseFileStore
}

/** Intake sections the case page shows (summary, routing, files and timeline have their own parts). */
const HIDDEN_SECTIONS = new Set(['summary', 'routing', 'attachments', 'timeline'])

let styleHash: Promise<string> | null = null

/** The CSP hash of the one stylesheet: the not-found page carries no per-request nonce (see below). */
function cssHash(): Promise<string> {
  styleHash ??= crypto.subtle
    .digest('SHA-256', new TextEncoder().encode(WEB_CSS))
    .then((d) => `'sha256-${btoa(String.fromCharCode(...new Uint8Array(d)))}'`)
  return styleHash
}

/** The summary the stalled rules read, from a case's non-personal state. */
function summaryOf(state: CaseState): CaseSummary {
  return {
    reference: state.reference,
    status: state.status,
    statusSince: state.statusSince,
    submittedAt: state.submittedAt,
    triagedAt: state.triagedAt,
    scheduledFor: state.scheduledFor,
    advisedAt: state.advisedAt,
    followUpDoneAt: state.followUpDoneAt,
    intervention: state.chosenIntervention ?? state.suggestedIntervention,
    municipality: state.municipality,
    pseudonym: null,
    owner: state.leadKey,
  }
}

/**
 * The web console (issue 12): `GET /cases` lists the region's cases for chairs (their municipalities
 * where `CHAIR_SCOPES` says so; filters, waiting time, keyset pages) and the referrer's own cases for
 * everyone else; `GET /cases/:reference` shows the whole case to those allowed, with the triage forms
 * (chairs) or the answer form (the referrer); `POST /cases/:reference` runs one lifecycle command with
 * the version the person saw. An unknown reference and a case the person may not see get the very same
 * 404 page, byte for byte (no enumeration). Every case view is audited. Mounted at `/`.
 */
export function buildWebCasesRoutes(options: WebCasesRouteOptions = {}) {
  const web = new Hono<WebEnv>()
  const depsOf = (c: WebContext) => (options.deps ?? ((env: Env) => buildDeps(env)))(c.env)
  const filesOf = (c: WebContext) => (options.files ?? buildCaseFileStore)(c.env)

  // Outermost on the case page: the not-found answer must not differ by a random nonce, so its one
  // stylesheet is allowed by hash instead (runs after webContext has set the nonce header).
  web.use('/cases/:reference', async function sameNotFound(c, next) {
    await next()
    if (c.res.status === 404) {
      const csp = c.res.headers.get('Content-Security-Policy') ?? ''
      c.res.headers.set('Content-Security-Policy', csp.replace(/'nonce-[^']*'/, await cssHash()))
    }
  })

  for (const path of CASES_PATHS) {
    web.use(path, webContext())
    web.use(path, htmlErrors())
  }
  web.post(
    '/cases/:reference',
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => c.html(renderWeb.error(pageContext(c as WebContext), 'tooLarge'), 413),
    }),
  )

  /** The signed-in actor, or a response: the dev sign-in (DEV_MODE) or the bilingual 401 page. */
  function requireActor(c: WebContext): Actor | Response {
    const actor = c.get('actor')
    if (actor) return actor
    if (c.get('config').DEV_MODE && c.req.method === 'GET') return c.redirect('/dev/login', 303)
    return c.html(renderWeb.error(pageContext(c), 'unauthorized'), 401)
  }

  /** The one not-found answer: no path, no nonce, nothing that tells an existing case from none. */
  function notFound(c: WebContext) {
    const ctx = { ...pageContext(c), nonce: '', path: '/cases' }
    return c.html(renderConsole.notFound(ctx), 404)
  }

  web.get('/cases', async (c) => {
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    const deps = depsOf(c)
    const now = deps.clock()
    const region = regionOf(deps.config)
    const params = parseCaseListParams(c.req.query(), region)
    const isAdmin = actor.roles.includes('admin')
    const chair = isAdmin || actor.roles.includes('chair')
    const scope = isAdmin ? undefined : chairScopesOf(deps.config).get(identityKeyOf(actor))
    const allowed: readonly string[] = scope ?? region.municipalities
    const municipalities = params.municipality
      ? allowed.includes(params.municipality)
        ? [params.municipality]
        : []
      : scope
    const page = chair
      ? await deps.store.listCasePage({
          ...(municipalities ? { municipalities } : {}),
          ...(statusesOf(params.status) ? { statuses: statusesOf(params.status) } : {}),
          ...(params.intervention ? { intervention: params.intervention } : {}),
          ...(params.urgency ? { urgency: params.urgency } : {}),
          ...(params.stalled ? { stalled: stalledCutoffs(now, region.stalled) } : {}),
          ...(params.after ? { after: params.after } : {}),
          order: params.sort,
          limit: CASES_PAGE_SIZE,
        })
      : await deps.store.listCasePage({
          referrerKey: actorKey(actor),
          ...(params.after ? { after: params.after } : {}),
          order: 'recent',
          limit: CASES_PAGE_SIZE,
        })
    const rows: ConsoleRow[] = await Promise.all(
      page.rows.map(async (row: DigestRow) => ({
        reference: row.reference,
        status: row.status,
        intervention: row.chosenIntervention ?? row.suggestedIntervention,
        municipality: row.municipality,
        urgency: row.urgency,
        pseudonym:
          chair && row.pseudonymEnc !== null
            ? await deps.cipher.decryptJson<string>(row.pseudonymEnc, pseudonymAad(row.id))
            : null,
        submittedAt: row.submittedAt ?? row.createdAt,
        statusSince: row.statusSince,
        waitingDays: waitingWorkingDays(row.statusSince, now),
        stalled: assessCase(summaryOf(row), now, region.stalled).stalled,
      })),
    )
    if (chair) {
      // The list shows pseudonyms of many cases at once: one audit row per page view.
      await deps.store.audit(
        buildAuditEntry(now, actor, 'view', null, { requestId: c.get('requestId'), detail: 'cases:list' }),
      )
    }
    const query = new URLSearchParams()
    for (const [k, v] of Object.entries(c.req.query())) if (k !== 'after' && v) query.set(k, v)
    const href = (after: string | null) => {
      const q = new URLSearchParams(query)
      if (after) q.set('after', after)
      const text = q.toString()
      return text ? `/cases?${text}` : '/cases'
    }
    return c.html(
      renderConsole.list(pageContext(c), {
        mode: chair ? 'chair' : 'referrer',
        rows,
        params,
        municipalities: allowed,
        interventions: region.interventions,
        nextHref: page.next ? href(cursorText(page.next)) : null,
        firstHref: params.after ? href(null) : null,
      }),
    )
  })

  /** Renders the case page for an allowed viewer (audited view), or the not-found answer. */
  async function casePage(
    c: WebContext,
    deps: Deps,
    actor: Actor,
    reference: string,
    extra: Partial<Pick<CasePageModel, 'flash' | 'notice' | 'formError'>>,
    status: 200 | 403 | 409 | 422,
  ) {
    const found = await getCase(deps, reference, actor, { requestId: c.get('requestId') })
    if (!found.ok) return notFound(c)
    const { state, intake, pseudonym, routing, timeline } = found.case
    const lang = c.get('lang')
    const now = deps.clock()
    const record = await deps.store.getByReference(reference)
    const attachments = record ? await listReportAttachments(deps, filesOf(c), record.id) : []
    const decision = routing ?? {
      primary: state.suggestedIntervention,
      alternatives: [],
      reasons: [],
      gates: [],
      missing: [],
      scores: { EXPERTTAFEL: 0, RO3: 0, ROP: 0, 'MDA++': 0, RST: 0 },
    }
    const report = buildReport({
      intake,
      decision,
      reference,
      submittedAt: state.submittedAt ? new Date(state.submittedAt) : null,
      generatedAt: now,
      lang,
    })
    const inRegion = chairCovers(actor, state.municipality, chairScopesOf(deps.config))
    const effective = inRegion ? actor : { ...actor, roles: actor.roles.filter((r) => r !== 'chair') }
    const commands = availableCommands(state, effective).filter((cmd) => WEB_COMMANDS.includes(cmd))
    const region = regionOf(deps.config)
    const model: CasePageModel = {
      state,
      pseudonym,
      routing,
      groups: routing ? groupReasons(routing, region.rules) : [],
      sections: report.sections.filter((s) => !HIDDEN_SECTIONS.has(s.id)),
      timeline: timeline.map((e) => ({ ...e })),
      attachments,
      commands: WEB_COMMANDS.filter((cmd) => commands.includes(cmd)),
      mayUploadAnalysis: actorKey(actor) === state.referrerKey,
      mayRectify: can(actor, 'case.rectify', state, chairScopesOf(deps.config)),
      waitingDays: waitingWorkingDays(state.statusSince, now),
      stalled: assessCase(summaryOf(state), now, region.stalled).stalled,
      interventions: region.interventions,
      flash: extra.flash ?? null,
      notice: extra.notice ?? null,
      formError: extra.formError ?? null,
    }
    return c.html(renderConsole.case(pageContext(c), model), status)
  }

  web.get('/cases/:reference', async (c) => {
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    const reference = c.req.param('reference')
    if (!REFERENCE_PATTERN.test(reference)) return notFound(c)
    const done = c.req.query('done') ?? ''
    const flash =
      done === 'rectified' || done === 'rectifyUnchanged'
        ? done
        : (WEB_COMMANDS as readonly string[]).includes(done)
          ? (done as CommandType)
          : null
    return casePage(c, depsOf(c), actor, reference, { flash }, 200)
  })

  web.post('/cases/:reference', async (c) => {
    let body: FormBody
    try {
      body = (await c.req.parseBody({ all: true })) as FormBody
    } catch {
      return c.html(renderWeb.error(pageContext(c), 'badForm'), 400)
    }
    const key = c.get('config').LINK_SIGNING_KEY
    if (!key || !(await verifyCsrfToken(key, c.get('csrfSecret'), formString(body, '_csrf')))) {
      return c.html(renderWeb.error(pageContext(c), 'csrf'), 403)
    }
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    const reference = c.req.param('reference')
    if (!REFERENCE_PATTERN.test(reference)) return notFound(c)
    const deps = depsOf(c)
    const requestId = c.get('requestId')
    const record = await deps.store.getByReference(reference)
    const visible =
      record !== null &&
      (await authorize(deps, { actor, action: 'case.view', kase: record, reference, requestId }))
    if (!record || !visible) return notFound(c)

    const lang = c.get('lang')
    if (formString(body, 'command') === 'rectify') {
      return rectifyPost(c, deps, actor, reference, body, lang)
    }
    const form = parseCommandForm(body, record, lang, amsterdamDate(deps.clock()))
    if (!form.ok) {
      if (form.error === null) return c.html(renderWeb.error(pageContext(c), 'badForm'), 400)
      return casePage(c, deps, actor, reference, { formError: form.error }, 422)
    }
    const result = await runCaseCommand(deps, {
      reference,
      command: form.command,
      actor,
      expectedVersion: form.version,
      requestId,
    })
    if (result.ok) return c.redirect(`/cases/${reference}?done=${form.type}`, 303)
    const { code } = result.error
    switch (code) {
      case 'conflict':
        return casePage(
          c,
          deps,
          actor,
          reference,
          { notice: { kind: 'conflict', text: ct(lang, 'conflict') } },
          409,
        )
      case 'not_allowed':
        return casePage(
          c,
          deps,
          actor,
          reference,
          { notice: { kind: 'refused', text: ct(lang, 'refused') } },
          403,
        )
      case 'invalid_transition':
      case 'follow_up_done':
        return casePage(
          c,
          deps,
          actor,
          reference,
          { notice: { kind: 'transition', text: result.error[lang] } },
          409,
        )
      case 'reason_required':
      case 'invalid_command': {
        const values = formValues(body, form.type)
        const formError: CaseFormError =
          result.error.errors && result.error.errors.length > 0
            ? lifecycleFieldErrors(form.type, result.error.errors, lang, values)
            : { command: form.type, fields: { reason: ct(lang, 'errors.rerouteReason') }, values }
        return casePage(c, deps, actor, reference, { formError }, 422)
      }
      default:
        return notFound(c)
    }
  })

  /**
   * The rectification form of a chair or admin (issue 14 §11): the same schema as the admin API
   * (`RectifyInputSchema`), then `runRectifyField`, which checks `case.rectify`, records the event (field
   * and reason, encrypted) and the audit row (field only) and renders the PDF again. A referrer gets 403.
   */
  async function rectifyPost(
    c: WebContext,
    deps: Deps,
    actor: Actor,
    reference: string,
    body: FormBody,
    lang: Lang,
  ) {
    const values = {
      field: formString(body, 'field').trim(),
      value: formString(body, 'value'),
      reason: formString(body, 'reason'),
    }
    const invalid = (fields: Record<string, string>) =>
      casePage(c, deps, actor, reference, { formError: { command: 'rectify', fields, values } }, 422)
    const refused = () =>
      casePage(c, deps, actor, reference, { notice: { kind: 'refused', text: ct(lang, 'refused') } }, 403)
    // Policy first: a referrer learns nothing from validation messages of a form they may not use.
    const record = await deps.store.getByReference(reference)
    if (!record) return notFound(c)
    if (!can(actor, 'case.rectify', record, chairScopesOf(deps.config))) {
      await authorize(deps, {
        actor,
        action: 'case.rectify',
        kase: record,
        reference,
        requestId: c.get('requestId'),
      })
      return refused()
    }
    if (values.field === '') {
      return invalid({ field: ct(lang, 'errors.required', { field: ct(lang, 'rectify.field') }) })
    }
    const parsed = RectifyInputSchema.safeParse({
      field: values.field,
      value: values.value.trim() === '' ? null : values.value.trim(),
      reason: values.reason,
    })
    if (!parsed.success) {
      const fields: Record<string, string> = {}
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0] ?? 'field')
        fields[name] ??= rectifyPartMessage(issue.path[0])[lang]
      }
      return invalid(fields)
    }
    const result = await runRectifyField(deps, {
      reference,
      ...parsed.data,
      actor,
      requestId: c.get('requestId'),
    })
    if (result.ok) {
      return c.redirect(`/cases/${reference}?done=${result.changed ? 'rectified' : 'rectifyUnchanged'}`, 303)
    }
    switch (result.code) {
      case 'not_found':
        return notFound(c)
      case 'forbidden':
        return refused()
      case 'conflict':
        return casePage(
          c,
          deps,
          actor,
          reference,
          { notice: { kind: 'conflict', text: ct(lang, 'conflict') } },
          409,
        )
      case 'bad_field':
        return invalid({ field: result.message[lang] })
      case 'invalid': {
        const first = result.errors?.[0]
        return invalid({
          value: first
            ? `${t(lang, 'privacy.errors.badValue', { field: values.field })} ${first[lang]}`
            : result.message[lang],
        })
      }
    }
  }

  return web
}
