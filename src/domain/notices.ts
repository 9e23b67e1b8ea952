import { type Bilingual, both, t } from './copy'
import type { Digest } from './digest'
import type { Intervention, Lang, Urgency } from './enums'
import type { CaseEvent, CaseState, CaseStatus } from './lifecycle'

/**
 * Everything a person (or the chairs' channel) receives outside a dialogue, as neutral data: no Block
 * Kit, no Adaptive Card, no HTML. Each surface's adapter renders a notice (adapters/slack/notices.ts,
 * adapters/teams/notices.ts, adapters/web/notices.tsx) and may render nothing for a kind it has no
 * message for. Texts that do not depend on the surface are built here in both languages from the copy
 * (templates/copy); the renderer picks the recipient's language. Text a person typed (a chair's question)
 * is kept as plain data, so each renderer escapes it for its own markup. Pure: no clock, no I/O.
 */

/** What a reminder is about. `draft`/`info`/`analysis` are the referrer's; `lead`/`chairs` the team's. */
export type ReminderTopic = 'draft' | 'info' | 'analysis' | 'lead' | 'chairs'

/** The lifecycle changes a referrer is told about (the others stay in the case). */
export const NOTICE_CHANGES = [
  'accept',
  'rerouted',
  'requestInfo',
  'schedule',
  'recordOutcome',
  'decline',
  'close',
  'reopen',
] as const
export type NoticeChange = (typeof NOTICE_CHANGES)[number]

/** The referrer's receipt after submitting. */
export interface ReceiptNotice {
  kind: 'receipt'
  reference: string
  intervention: Intervention
  urgency: Urgency
  analysisMissing: boolean
  /** G1 fired (a spoedmelding): the receipt promises a call back now and repeats the crisis numbers. */
  acuteDanger: boolean
  /** The regional youth crisis service's number (configuration), repeated on an urgent receipt; null = none set. */
  youthCrisisPhone: string | null
}

/** A change of the referrer's case. */
export interface StatusNotice {
  kind: 'status'
  reference: string
  /** The change as the referrer reads it; null for a status change without its own message. */
  change: NoticeChange | null
  /** The status before and after (equal for a change that keeps the status, e.g. a new table date). */
  from: CaseStatus | null
  status: CaseStatus
  /** The case's intervention now (chosen, else suggested). */
  intervention: Intervention
  /** The intervention the change named (accept, reroute), when it named a known one. */
  changeIntervention: Intervention | null
  /** The table date (ISO) of a scheduled case. */
  scheduledFor: string | null
  /** When the change happened (schedule: the table date), ISO; null when unknown. */
  at: string | null
}

/** A chair's question to the referrer, answered on the message. */
export interface QuestionNotice {
  kind: 'question'
  reference: string
  /** The case version that asked: the answer names it. */
  version: number
  /** Item codes asked for (unknown codes are counted by the renderer, never shown). */
  items: string[]
  /** The chair's own words: plain text, escaped by each renderer. Personal data: never logged. */
  question: string
}

/**
 * The follow-up question after the advice (issue 15 §1), sent to the case's referrer when
 * `follow_up_overdue` fires and again as its reminders. Identifiers and numbers only: the surface renders
 * the questions (yes / partly / no, care started and its date, uitval, usefulness 1–5, a note) from the
 * copy and submits them back through `answerFollowUp`.
 */
export interface FollowUpNotice {
  kind: 'followUp'
  reference: string
  /** 1 for the question itself, 2 and up for its reminders. */
  number: number
}

/** A reminder. */
export interface ReminderNotice {
  kind: 'reminder'
  topic: ReminderTopic
  reference: string | null
  text: Bilingual
}

/** The case was erased: replaces what was sent about it. */
export interface ErasedNotice {
  kind: 'erased'
  reference: string
  text: Bilingual
}

/** The weekly digest. Pseudonyms are shown to a person, never in a shared channel (the renderer decides). */
export interface DigestNotice {
  kind: 'digest'
  digest: Digest
}

/** A job that exhausted its retries, for the chairs. */
export interface DeadLetterNotice {
  kind: 'dead-letter'
  jobType: string
  reference: string | null
  text: Bilingual
}

export type Notice =
  | ReceiptNotice
  | StatusNotice
  | QuestionNotice
  | FollowUpNotice
  | ReminderNotice
  | ErasedNotice
  | DigestNotice
  | DeadLetterNotice

export type NoticeKind = Notice['kind']

/** The receipt of a submitted case. */
export function buildReceiptNotice(
  state: Pick<CaseState, 'reference' | 'suggestedIntervention' | 'urgency' | 'flags'>,
  youthCrisisPhone: string | null = null,
): ReceiptNotice {
  return {
    kind: 'receipt',
    reference: state.reference,
    intervention: state.suggestedIntervention,
    urgency: state.urgency,
    analysisMissing: state.flags.includes('analysis_missing'),
    acuteDanger: state.flags.includes('G1'),
    youthCrisisPhone: youthCrisisPhone || null,
  }
}

const CHANGE_OF: Partial<Record<CaseEvent['type'], NoticeChange>> = {
  accept: 'accept',
  requestInfo: 'requestInfo',
  schedule: 'schedule',
  recordOutcome: 'recordOutcome',
  decline: 'decline',
  close: 'close',
  reopen: 'reopen',
}

/** The question of a `requestInfo` event (the event data as decrypted). */
export function buildQuestionNotice(reference: string, version: number, event: CaseEvent): QuestionNotice {
  return {
    kind: 'question',
    reference,
    version,
    items: Array.isArray(event.data.items) ? event.data.items.map(String) : [],
    question: typeof event.data.question === 'string' ? event.data.question : '',
  }
}

/**
 * What the referrer hears of a change of their case, or null. Nothing for their own actions, for the
 * answer they gave, or for a change that neither changes the status nor has a message of its own
 * (assigning a lead, a follow-up note). A chair's question is a question notice.
 */
export function buildCaseChangeNotice(
  state: Pick<
    CaseState,
    'reference' | 'referrerKey' | 'chosenIntervention' | 'suggestedIntervention' | 'scheduledFor'
  >,
  version: number,
  event: CaseEvent,
  known: readonly Intervention[],
): StatusNotice | QuestionNotice | null {
  if (event.type === 'provideInfo' || event.actorKey === state.referrerKey) return null
  if (event.type === 'requestInfo') return buildQuestionNotice(state.reference, version, event)
  const base = CHANGE_OF[event.type] ?? null
  const change: NoticeChange | null = base === 'accept' && event.data.rerouted === true ? 'rerouted' : base
  if (!change && event.from === event.to) return null
  const named = event.data.intervention
  return {
    kind: 'status',
    reference: state.reference,
    change,
    from: event.from,
    status: event.to,
    intervention: state.chosenIntervention ?? state.suggestedIntervention,
    changeIntervention: (known as readonly unknown[]).includes(named) ? (named as Intervention) : null,
    scheduledFor: state.scheduledFor,
    at: typeof event.data.at === 'string' ? event.data.at : null,
  }
}

/** The follow-up question to the referrer of an advised case (number 1), or its reminder (2 and up). */
export function buildFollowUpNotice(reference: string, number = 1): FollowUpNotice {
  return { kind: 'followUp', reference, number: Math.max(1, Math.trunc(number)) }
}

/** A referrer's reminder about their own draft, an open question or a missing analysis. */
export function buildReferrerReminderNotice(
  topic: 'draft' | 'info' | 'analysis',
  reference: string | null,
  days = 0,
): ReminderNotice {
  const text =
    topic === 'info' && reference
      ? both('digest.reminders.referrer', { reference, days })
      : bilingual(
          (lang) =>
            `${t(lang, `teams.reminder.${topic}Title`, { reference: reference ?? '' })}. ${t(lang, `teams.reminder.${topic}Body`)}`,
        )
  return { kind: 'reminder', topic, reference, text }
}

/** The case lead's reminder: the next step and its due date. */
export function buildLeadReminderNotice(
  reference: string,
  step: string | null,
  due: string | null,
): ReminderNotice {
  return {
    kind: 'reminder',
    topic: 'lead',
    reference,
    text: bilingual((lang) =>
      t(lang, 'digest.reminders.lead', { reference, step: stepText(lang, step), due: due ?? '' }),
    ),
  }
}

/** The chairs' reminder: triage overdue, a case without a lead, or the escalation after the referrer's reminders. */
export function buildChairsReminderNotice(
  input: {
    reference: string
    kind: 'reminder' | 'escalation'
    rule: string
    days: number
    step: string | null
    due: string | null
  },
  referrerMax: number,
): ReminderNotice {
  const { reference } = input
  let text: Bilingual
  if (input.kind === 'escalation')
    text = both(
      input.rule === 'follow_up_overdue'
        ? 'digest.reminders.followUpEscalation'
        : 'digest.reminders.escalation',
      { reference, count: referrerMax },
    )
  else if (input.rule === 'triage_overdue')
    text = both('digest.reminders.chairs', { reference, days: input.days })
  else
    text = bilingual((lang) =>
      t(lang, 'digest.reminders.noLead', {
        reference,
        step: stepText(lang, input.step),
        due: input.due ?? '',
      }),
    )
  return { kind: 'reminder', topic: 'chairs', reference, text }
}

function stepText(lang: Lang, step: string | null): string {
  return step ? t(lang, `digest.steps.${step}`) : ''
}

function bilingual(text: (lang: Lang) => string): Bilingual {
  return { nl: text('nl'), en: text('en') }
}

/** The "erased" notice that replaces every card sent about a case. */
export function buildErasedNotice(reference: string): ErasedNotice {
  return { kind: 'erased', reference, text: both('privacy.card.erased', { reference }) }
}

/** The weekly digest. */
export function buildDigestNotice(digest: Digest): DigestNotice {
  return { kind: 'digest', digest }
}

const REFERENCE_IN = /RET-\d{4}-\d{4,6}/

/** The chairs' alert for a dead job: its type and, when the job id names one, the case reference. */
export function buildDeadLetterNotice(letter: { type: string | null; id: string | null }): DeadLetterNotice {
  const reference = letter.id ? (REFERENCE_IN.exec(letter.id)?.[0] ?? null) : null
  const type = letter.type ?? '?'
  return {
    kind: 'dead-letter',
    jobType: type,
    reference,
    text: both('digest.alerts.deadLetter', { type, reference: reference ? ` (${reference})` : '' }),
  }
}
