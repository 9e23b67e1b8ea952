import { type AccessCase, type ChairScopes, can } from './access'
import { parseActorKey } from './actor-key'
import type { Bilingual } from './copy'
import { GATES, type Gate, INTERVENTIONS, type Intervention, type Municipality, type Urgency } from './enums'
import { type CaseState, type CaseStatus, type CommandType, TRANSITIONS } from './lifecycle'
import type { Actor } from './types'

/**
 * The chairs' case card as neutral data (issue 11): what the card may show (DOMAIN.md §7: no name,
 * birth date, BSN, pseudonym or free text), the actions a status allows, and the actions the *viewer*
 * may take (the role policy of src/domain/access.ts). Surfaces render it: Block Kit today
 * (adapters/slack/cards.ts), Adaptive Cards and HTML next (issue 12). Pure.
 */

/** What a chair can do from the card. `details` is not a transition: it issues a personal link. */
export const TRIAGE_ACTIONS = [
  'accept',
  'reroute',
  'request_info',
  'assign_lead',
  'schedule',
  'record_outcome',
  'decline',
  'close',
  'reopen',
  'details',
] as const
export type TriageAction = (typeof TRIAGE_ACTIONS)[number]

/** Actions that need input first and therefore open a modal. */
export const MODAL_ACTIONS = [
  'reroute',
  'request_info',
  'assign_lead',
  'schedule',
  'record_outcome',
  'decline',
  'reopen',
] as const satisfies readonly TriageAction[]
export type ModalAction = (typeof MODAL_ACTIONS)[number]

/** Items a chair can ask the referrer for (`request_info`). */
export const INFO_ITEMS = [
  'analysis',
  'consent',
  'safety',
  'help_history',
  'school',
  'perspective',
  'other',
] as const
export type InfoItem = (typeof INFO_ITEMS)[number]

/**
 * Everything the case card may show, and nothing more (DOMAIN.md §7): no name, birth date, BSN,
 * pseudonym or free text. Build it with `buildCaseSummary`, which is the one place personal data is dropped.
 */
export interface CaseCardSummary {
  reference: string
  status: CaseStatus
  /** Optimistic-concurrency version; every button carries it so a stale click is detected. */
  version: number
  suggested: Intervention
  /** Confirmed or rerouted intervention; null until the chair accepts. */
  chosen: Intervention | null
  alternatives: Intervention[]
  /** Short routing reasons (template text that names a field, never a value typed by a person). */
  reasons: Bilingual[]
  municipality: Municipality | null
  /** e.g. "12–15" (lifecycle age bands, shown with an en dash); null when unknown. */
  ageBand: string | null
  urgency: Urgency
  analysisMissing: boolean
  consultationOnly: boolean
  gates: Gate[]
  /** Intake items the chair will ask for (routing `missing`). */
  missing: string[]
  /** Slack user id of the case lead, shown as a mention. */
  leadSlackUserId: string | null
  /** The surface of a lead assigned outside Slack (shown without a name), else null. */
  leadOtherSurface: string | null
  /** ISO date-time of the table. */
  scheduledFor: string | null
  /** The interventions of the region's pack, the choices of a reroute (absent: every one the engine knows). */
  offered?: Intervention[]
}

/** Routing output the card shows beside the case state (all template text, no values typed by a person). */
export interface CardRouting {
  alternatives: Intervention[]
  reasons: Bilingual[]
  missing: string[]
}

/**
 * Projects a case onto the card summary. `CaseState` already holds no personal data; this keeps the
 * card to the fields DOMAIN.md §7 allows (reference, intervention, municipality, age band, urgency, flags).
 */
export function buildCaseSummary(
  state: CaseState,
  routing?: CardRouting | null,
  offered: readonly Intervention[] = INTERVENTIONS,
): CaseCardSummary {
  const lead = parseActorKey(state.leadKey)
  const gates = state.flags.filter((f): f is Gate => (GATES as readonly string[]).includes(f))
  const analysisMissing = state.flags.includes('analysis_missing')
  const missing = routing?.missing ?? (analysisMissing ? ['analysis'] : [])
  return {
    reference: state.reference,
    status: state.status,
    version: state.version,
    suggested: state.suggestedIntervention,
    chosen: state.chosenIntervention,
    alternatives: [...(routing?.alternatives ?? [])],
    reasons: (routing?.reasons ?? []).map((r) => ({ nl: r.nl, en: r.en })),
    municipality: state.municipality,
    ageBand: state.ageBand.replace('-', '–'),
    urgency: state.urgency,
    analysisMissing,
    consultationOnly: state.consultation,
    gates,
    missing: [...missing],
    leadSlackUserId: lead?.surface === 'slack' ? lead.user : null,
    leadOtherSurface: lead && lead.surface !== 'slack' ? lead.surface : null,
    scheduledFor: state.scheduledFor,
    offered: [...offered],
  }
}

/** The lifecycle command behind each card action (`details` is not a transition). */
export const ACTION_COMMANDS: Record<Exclude<TriageAction, 'details'>, CommandType> = {
  accept: 'accept',
  reroute: 'accept',
  request_info: 'requestInfo',
  assign_lead: 'assignLead',
  schedule: 'schedule',
  record_outcome: 'recordOutcome',
  decline: 'decline',
  close: 'close',
  reopen: 'reopen',
}

const BUTTON_ORDER: readonly TriageAction[] = [
  'accept',
  'reroute',
  'request_info',
  'schedule',
  'record_outcome',
  'assign_lead',
  'close',
  'decline',
  'reopen',
]

/**
 * The buttons a card offers in a status: the actions whose transition the lifecycle allows from it. No
 * reroute where the region's pack offers one intervention only (`offered`, IJsselland): there is nowhere to go.
 */
export function cardActions(status: CaseStatus, offered?: readonly Intervention[]): TriageAction[] {
  const actions = BUTTON_ORDER.filter(
    (a) =>
      TRANSITIONS[ACTION_COMMANDS[a as keyof typeof ACTION_COMMANDS]].from.includes(status) &&
      (a !== 'reroute' || offered === undefined || offered.length > 1),
  )
  return status === 'draft' ? actions : [...actions, 'details']
}

/** The intervention the card leads with: the chair's choice once made, else the suggestion. */
export function currentIntervention(summary: CaseCardSummary): Intervention {
  return summary.chosen ?? summary.suggested
}

/**
 * The actions one viewer may take on the card: the status's actions, of which a person who may triage
 * the case (admin, a chair of its region, its lead) gets all, and anyone who may see it only `details`.
 */
export function viewerActions(
  summary: CaseCardSummary,
  viewer: Actor,
  kase: AccessCase,
  scopes?: ChairScopes,
): TriageAction[] {
  const actions = cardActions(summary.status, summary.offered)
  if (can(viewer, 'case.triage', kase, scopes)) return actions
  return can(viewer, 'case.view', kase, scopes) ? actions.filter((a) => a === 'details') : []
}
