import { z } from 'zod'
import { formatActorKey } from './actor-key'
import { type Bilingual, t } from './copy'
import { DECLINE_DESTINATIONS, type DeclineDestination } from './decline'
import { INTERVENTIONS, type Intervention, type Lang, type Municipality, type Urgency } from './enums'
import { type FollowUpAnswers, FollowUpFieldsSchema } from './follow-up'
import { formatIssues, LIMITS, plainText, type ValidationError } from './intake'
import type { Actor, Surface } from './types'

/**
 * The case lifecycle (DOMAIN.md §5) as an explicit transition table. Pure: time is a parameter.
 *
 * draft → submitted → in_triage → (info_requested ⇄ in_triage) → accepted → scheduled → advised → closed;
 * also withdrawn (by the referrer) and declined (not for the RET, with reason and where to go instead).
 */
export const CASE_STATUSES = [
  'draft',
  'submitted',
  'in_triage',
  'info_requested',
  'accepted',
  'scheduled',
  'advised',
  'closed',
  'withdrawn',
  'declined',
] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

/** Statuses in which a case still runs: the referrer may withdraw it. */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  'submitted',
  'in_triage',
  'info_requested',
  'accepted',
  'scheduled',
]

/** Statuses that never stall and take no further work (DOMAIN.md §6). */
export const FINAL_STATUSES: readonly CaseStatus[] = ['closed', 'withdrawn', 'declined']

/** The lifecycle-relevant, non-personal part of a case. Timestamps are ISO 8601 strings. */
export interface CaseState {
  reference: string
  status: CaseStatus
  /** `surface:tenant:user` of the referrer who filed it (an identity key, not contact data). */
  referrerKey: string
  suggestedIntervention: Intervention
  /** Set when the chair accepts (confirmed or rerouted). */
  chosenIntervention: Intervention | null
  /** `surface:tenant:user` of the case lead. */
  leadKey: string | null
  municipality: Municipality
  ageBand: AgeBand
  urgency: Urgency
  /** Non-personal flags: fired gates (`G1`…`G5`) and missing items (`analysis_missing`). */
  flags: string[]
  consultation: boolean
  createdAt: string
  statusSince: string
  submittedAt: string | null
  triagedAt: string | null
  scheduledFor: string | null
  advisedAt: string | null
  followUpDoneAt: string | null
  closedAt: string | null
  /** The referrer's follow-up answers (issue 15 §1; non-personal), once given. */
  followUp?: FollowUpAnswers | null
  /** Where a declined case was sent instead (issue 15 §3; a category, non-personal); null otherwise. */
  declinedTo?: DeclineDestination | null
  /** Optimistic concurrency: bumped by every change; equals the seq of the latest event. */
  version: number
}

/** Age bands shown on cards and digests instead of a birth year (they follow the consent ages of G3). */
export const AGE_BANDS = ['0-11', '12-15', '16-17', '18+'] as const
export type AgeBand = (typeof AGE_BANDS)[number]

/** The age band for an age in whole years. */
export function ageBandOf(age: number): AgeBand {
  if (age < 12) return '0-11'
  if (age < 16) return '12-15'
  if (age < 18) return '16-17'
  return '18+'
}

/** The identity key of an actor: `surface:tenant:user`. Used for referrer, lead and audit columns. */
export function actorKey(actor: Pick<Actor, 'surface' | 'tenant' | 'userId'>): string {
  return formatActorKey(actor)
}

const text = plainText().trim().min(1).max(LIMITS.longText)
const optionalText = plainText().trim().max(LIMITS.longText).nullable().default(null)
const isoDateTime = z.iso.datetime({ offset: true })
const identityKey = z
  .string()
  .trim()
  // `surface:tenant:user`; Teams user ids contain a colon themselves (`29:1AbC…`).
  .regex(/^[a-z]+:[^:\s]+:\S+$/, { message: 'validation.format' })
  .max(300)

/** Every command a case accepts; free texts (reasons, questions, advice) are personal data. */
export const CaseCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('startTriage') }),
  z.strictObject({
    type: z.literal('requestInfo'),
    /** What is missing, e.g. `analysis`, `consent`, or short free descriptions. */
    items: z.array(plainText().trim().min(1).max(LIMITS.shortText)).max(20).default([]),
    question: text,
  }),
  z.strictObject({ type: z.literal('provideInfo'), answer: text }),
  z.strictObject({
    type: z.literal('accept'),
    intervention: z.enum(INTERVENTIONS),
    /** Required when the chair reroutes to another intervention than the suggested one. */
    reason: optionalText,
  }),
  z.strictObject({ type: z.literal('assignLead'), leadKey: identityKey }),
  z.strictObject({ type: z.literal('schedule'), at: isoDateTime, note: optionalText }),
  z.strictObject({ type: z.literal('recordOutcome'), advice: text }),
  z.strictObject({ type: z.literal('recordFollowUp'), note: optionalText }),
  /** The referrer's answers to the follow-up question (issue 15 §1); the note is free text (personal). */
  FollowUpFieldsSchema.extend({ type: z.literal('answerFollowUp'), note: optionalText }),
  z.strictObject({ type: z.literal('close'), reason: optionalText }),
  z.strictObject({
    type: z.literal('decline'),
    reason: text,
    /** Where the referrer can go instead (issue 15 §3): a closed list; `other` when not given (API callers). */
    destination: z.enum(DECLINE_DESTINATIONS).default('other'),
    /** The chair's own words on where to go: an optional extra (personal, encrypted in the timeline). */
    alternative: optionalText,
  }),
  z.strictObject({
    type: z.literal('withdraw'),
    reason: optionalText,
    /** The family withdrew consent: the case is erased right after (src/services/erase.ts). */
    consentWithdrawn: z.boolean().default(false),
  }),
  z.strictObject({ type: z.literal('reopen'), reason: text }),
])
export type CaseCommand = z.output<typeof CaseCommandSchema>
export type CaseCommandInput = z.input<typeof CaseCommandSchema>
export type CommandType = CaseCommand['type']

/** Who may run a command: a role, or a relation to this case. */
export type Permit = 'chair' | 'admin' | 'referrerOfCase' | 'lead'

interface Transition {
  from: readonly CaseStatus[]
  /** `same` keeps the status (assignLead, re-schedule, follow-up). */
  to: CaseStatus | 'same'
  who: readonly Permit[]
}

const TRIAGE_STATUSES: readonly CaseStatus[] = ['submitted', 'in_triage', 'info_requested']

/**
 * The transition table. Decisions beyond DOMAIN.md §5:
 * - `close` only from `advised`: declined and withdrawn are already final and need no second step.
 * - `withdraw` only while the case runs (`OPEN_STATUSES`); after the advice the chair closes it.
 * - `reopen` (closed/declined → in_triage) needs a reason; a withdrawn case is filed anew by the referrer.
 * - `accept` also from `submitted`: a chair may decide at once without starting triage first.
 * - the case lead may schedule, record the outcome and the follow-up of the case they lead.
 */
export const TRANSITIONS: Record<CommandType, Transition> = {
  startTriage: { from: ['submitted'], to: 'in_triage', who: ['chair', 'admin'] },
  requestInfo: { from: ['submitted', 'in_triage'], to: 'info_requested', who: ['chair', 'admin'] },
  provideInfo: { from: ['info_requested'], to: 'in_triage', who: ['referrerOfCase', 'admin'] },
  accept: { from: ['submitted', 'in_triage'], to: 'accepted', who: ['chair', 'admin'] },
  assignLead: {
    from: ['submitted', 'in_triage', 'info_requested', 'accepted', 'scheduled', 'advised'],
    to: 'same',
    who: ['chair', 'admin'],
  },
  schedule: { from: ['accepted', 'scheduled'], to: 'scheduled', who: ['chair', 'admin', 'lead'] },
  recordOutcome: { from: ['scheduled'], to: 'advised', who: ['chair', 'admin', 'lead'] },
  recordFollowUp: { from: ['advised'], to: 'same', who: ['chair', 'admin', 'lead'] },
  answerFollowUp: { from: ['advised'], to: 'same', who: ['referrerOfCase', 'admin'] },
  close: { from: ['advised'], to: 'closed', who: ['chair', 'admin'] },
  decline: { from: TRIAGE_STATUSES, to: 'declined', who: ['chair', 'admin'] },
  withdraw: { from: OPEN_STATUSES, to: 'withdrawn', who: ['referrerOfCase', 'admin'] },
  reopen: { from: ['closed', 'declined'], to: 'in_triage', who: ['chair', 'admin'] },
}

/** One entry of the append-only timeline: who, when, what, why. `data` holds free text: encrypt it. */
export interface CaseEvent {
  type: CommandType | 'submitted'
  at: string
  actorKey: string
  surface: Surface
  from: CaseStatus | null
  to: CaseStatus
  /** Command details (reasons, questions, advice, dates): personal data, stored encrypted. */
  data: Record<string, unknown>
}

export type LifecycleErrorCode =
  | 'invalid_command'
  | 'not_allowed'
  | 'invalid_transition'
  | 'reason_required'
  | 'follow_up_done'

export interface LifecycleError extends Bilingual {
  code: LifecycleErrorCode
  /** Field-level problems when the command itself did not validate. */
  errors?: ValidationError[]
}

/** Command fields that carry a required reason or text. */
const REQUIRED_TEXTS = ['question', 'answer', 'advice', 'reason']

function invalidCommand(): LifecycleError {
  return {
    code: 'invalid_command',
    nl: t('nl', 'lifecycle.errors.invalidCommand'),
    en: t('en', 'lifecycle.errors.invalidCommand'),
  }
}

export type ApplyResult =
  | { ok: true; next: CaseState; event: CaseEvent }
  | { ok: false; error: LifecycleError }

function fail(
  code: LifecycleErrorCode,
  key: string,
  params: (lang: Lang) => Record<string, string | number> = () => ({}),
): ApplyResult {
  const message = (lang: Lang) => t(lang, `lifecycle.errors.${key}`, params(lang))
  return { ok: false, error: { code, nl: message('nl'), en: message('en') } }
}

/** Whether an actor holds a permit for this case. */
export function hasPermit(state: CaseState, actor: Actor, permit: Permit): boolean {
  switch (permit) {
    case 'chair':
    case 'admin':
      return actor.roles.includes(permit)
    case 'referrerOfCase':
      return actorKey(actor) === state.referrerKey
    case 'lead':
      return state.leadKey !== null && actorKey(actor) === state.leadKey
  }
}

/** The commands an actor may run on a case now (for buttons and menus). */
export function availableCommands(state: CaseState, actor: Actor): CommandType[] {
  return (Object.keys(TRANSITIONS) as CommandType[]).filter((type) => {
    const tr = TRANSITIONS[type]
    return tr.from.includes(state.status) && tr.who.some((p) => hasPermit(state, actor, p))
  })
}

/**
 * Applies one command: checks the input, the transition and the actor's permit, and returns the next
 * state with the event to append. Never throws on bad input.
 */
export function applyCommand(state: CaseState, input: unknown, actor: Actor, now: Date): ApplyResult {
  const parsed = CaseCommandSchema.safeParse(input)
  if (!parsed.success) {
    const errors = formatIssues(parsed.error.issues, 'command')
    const textMissing = parsed.error.issues.every(
      (issue) =>
        REQUIRED_TEXTS.includes(String(issue.path[0])) &&
        (issue.code === 'too_small' || issue.code === 'invalid_type'),
    )
    if (textMissing && errors[0]) {
      return { ok: false, error: { code: 'reason_required', nl: errors[0].nl, en: errors[0].en, errors } }
    }
    return { ok: false, error: { ...invalidCommand(), errors } }
  }
  const command = parsed.data
  const transition = TRANSITIONS[command.type]
  const commandLabel = (lang: Lang) => t(lang, `lifecycle.commands.${command.type}`)
  const statusLabel = (lang: Lang) => t(lang, `lifecycle.statuses.${state.status}`)

  if (!transition.who.some((permit) => hasPermit(state, actor, permit))) {
    return fail('not_allowed', 'notAllowed', (lang) => ({ command: commandLabel(lang) }))
  }
  if (!transition.from.includes(state.status)) {
    return fail('invalid_transition', 'invalidTransition', (lang) => ({
      command: commandLabel(lang),
      status: statusLabel(lang),
    }))
  }

  const at = now.toISOString()
  const to = transition.to === 'same' ? state.status : transition.to
  const next: CaseState = { ...state, status: to, version: state.version + 1 }
  if (to !== state.status) next.statusSince = at
  let data: Record<string, unknown> = {}

  switch (command.type) {
    case 'startTriage':
      next.triagedAt = at
      break
    case 'requestInfo':
      data = { items: command.items, question: command.question }
      next.triagedAt = state.triagedAt ?? at
      break
    case 'provideInfo':
      data = { answer: command.answer }
      break
    case 'accept': {
      const rerouted = command.intervention !== state.suggestedIntervention
      if (rerouted && !command.reason) return fail('reason_required', 'rerouteReason')
      next.chosenIntervention = command.intervention
      next.triagedAt = state.triagedAt ?? at
      data = { intervention: command.intervention, rerouted, reason: command.reason }
      break
    }
    case 'assignLead':
      next.leadKey = command.leadKey
      data = { leadKey: command.leadKey, previous: state.leadKey }
      break
    case 'schedule':
      next.scheduledFor = command.at
      data = { at: command.at, previous: state.scheduledFor, note: command.note }
      break
    case 'recordOutcome':
      next.advisedAt = at
      data = { advice: command.advice }
      break
    case 'recordFollowUp':
      if (state.followUpDoneAt !== null) return fail('follow_up_done', 'followUpDone')
      next.followUpDoneAt = at
      data = { note: command.note }
      break
    case 'answerFollowUp': {
      // The referrer's answers are the follow-up check: the case can then be closed by the chairs.
      if (state.followUpDoneAt !== null) return fail('follow_up_done', 'followUpDone')
      const { type: _type, note, ...answers } = command
      next.followUpDoneAt = at
      next.followUp = { ...answers, answeredAt: at }
      data = { ...answers, note }
      break
    }
    case 'close':
      next.closedAt = at
      data = { reason: command.reason }
      break
    case 'decline':
      next.closedAt = at
      next.declinedTo = command.destination
      data = { reason: command.reason, destination: command.destination, alternative: command.alternative }
      break
    case 'withdraw':
      next.closedAt = at
      data = { reason: command.reason, consentWithdrawn: command.consentWithdrawn }
      break
    case 'reopen':
      next.closedAt = null
      next.declinedTo = null
      data = { reason: command.reason }
      break
  }

  return {
    ok: true,
    next,
    event: {
      type: command.type,
      at,
      actorKey: actorKey(actor),
      surface: actor.surface,
      from: state.status,
      to,
      data,
    },
  }
}
