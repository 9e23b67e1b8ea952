import { z } from 'zod'
import { amsterdamLocalToIso } from '../../src/domain/case-list'
import { DECLINE_DESTINATIONS } from '../../src/domain/decline'
import { INTERVENTIONS, type Lang } from '../../src/domain/enums'
import { FOLLOW_UP_INPUTS, readFollowUpInput } from '../../src/domain/follow-up'
import { LIMITS } from '../../src/domain/intake'
import type { CaseState, CommandType } from '../../src/domain/lifecycle'
import type { CaseFormError } from './case-page'
import { WEB_COMMANDS } from './case-page'
import { ct } from './console-parts'
import { type FormBody, formString } from './form'

/** The fields each command's form posts (besides `command`, `version` and `_csrf`). */
const FIELDS: Record<CommandType, readonly string[]> = {
  startTriage: [],
  requestInfo: ['items', 'question'],
  provideInfo: ['answer'],
  accept: ['intervention', 'reason'],
  assignLead: ['leadKey'],
  schedule: ['date', 'time', 'note'],
  recordOutcome: ['advice'],
  recordFollowUp: ['note'],
  answerFollowUp: FOLLOW_UP_INPUTS,
  close: ['reason'],
  decline: ['reason', 'destination', 'alternative'],
  withdraw: [],
  reopen: ['reason'],
}

/** Fields a command cannot do without. */
const REQUIRED: Partial<Record<CommandType, readonly string[]>> = {
  requestInfo: ['question'],
  provideInfo: ['answer'],
  assignLead: ['leadKey'],
  schedule: ['date', 'time'],
  recordOutcome: ['advice'],
  decline: ['reason'],
  reopen: ['reason'],
}

const HeadSchema = z.object({
  command: z.enum(WEB_COMMANDS as [CommandType, ...CommandType[]]),
  version: z.coerce.number().int().min(1).max(1_000_000),
})

export type CommandForm =
  | { ok: true; type: CommandType; version: number; command: Record<string, unknown> }
  | { ok: false; error: CaseFormError }
  | { ok: false; error: null }

/**
 * Reads a triage (or answer) form into a lifecycle command. Missing required fields and a date or time
 * that does not exist come back as field errors in the reader's language, with the values as typed; a
 * form that is not one of ours at all comes back with `error: null`.
 */
export function parseCommandForm(
  body: FormBody,
  state: Pick<CaseState, 'suggestedIntervention'>,
  lang: Lang,
  /** The Amsterdam date of the post (a follow-up's start of care may not lie after it). */
  today?: string,
): CommandForm {
  const head = HeadSchema.safeParse({
    command: formString(body, 'command'),
    version: formString(body, 'version'),
  })
  if (!head.success) return { ok: false, error: null }
  const type = head.data.command
  const values: Record<string, string> = {}
  for (const name of FIELDS[type])
    values[name] = formString(body, name)
      .trim()
      .slice(0, LIMITS.longText + 1)
  const fields: Record<string, string> = {}
  const label = (name: string) => ct(lang, `fields.${name}`)
  for (const name of REQUIRED[type] ?? []) {
    if (!values[name]) fields[name] = ct(lang, 'errors.required', { field: label(name) })
  }
  for (const [name, value] of Object.entries(values)) {
    if (value.length > LIMITS.longText) {
      fields[name] = ct(lang, 'errors.tooLong', { field: label(name), max: LIMITS.longText })
    }
  }
  const command: Record<string, unknown> = { type }
  switch (type) {
    case 'requestInfo':
      command.items = (values.items ?? '')
        .split(/[\n,;]/)
        .map((item) => item.trim())
        .filter(Boolean)
      if ((command.items as string[]).some((i) => i.length > LIMITS.shortText)) {
        fields.items = ct(lang, 'errors.tooLong', { field: label('items'), max: LIMITS.shortText })
      }
      command.question = values.question
      break
    case 'provideInfo':
      command.answer = values.answer
      break
    case 'accept': {
      const intervention = (INTERVENTIONS as readonly string[]).includes(values.intervention ?? '')
        ? values.intervention
        : null
      if (!intervention) fields.intervention = ct(lang, 'errors.required', { field: label('intervention') })
      else if (intervention !== state.suggestedIntervention && !values.reason) {
        fields.reason = ct(lang, 'errors.rerouteReason')
      }
      command.intervention = intervention
      command.reason = values.reason || null
      break
    }
    case 'assignLead':
      command.leadKey = values.leadKey
      break
    case 'schedule': {
      const at = values.date && values.time ? amsterdamLocalToIso(values.date, values.time) : null
      if (values.date && values.time && !at) fields.date = ct(lang, 'errors.dateTime')
      command.at = at
      command.note = values.note || null
      break
    }
    case 'recordOutcome':
      command.advice = values.advice
      break
    case 'recordFollowUp':
    case 'close':
      command[type === 'close' ? 'reason' : 'note'] = values[type === 'close' ? 'reason' : 'note'] || null
      break
    case 'answerFollowUp': {
      // The one reader of every surface (src/domain/follow-up.ts): the same checks as the Teams card and
      // the Slack modal, on the same schema; its errors go under the fields, in the reader's language.
      const read = readFollowUpInput(values, today)
      if (!read.ok) {
        for (const [name, error] of Object.entries(read.errors)) if (error) fields[name] = error[lang]
        break
      }
      Object.assign(command, read.fields, { note: read.note })
      break
    }
    case 'decline': {
      // Where to instead is chosen from the closed list (issue 15 §3); the chair's own words are optional.
      const destination = (DECLINE_DESTINATIONS as readonly string[]).includes(values.destination ?? '')
        ? values.destination
        : null
      if (!destination) fields.destination = ct(lang, 'errors.chooseDestination')
      command.reason = values.reason
      command.destination = destination
      command.alternative = values.alternative || null
      break
    }
    case 'reopen':
      command.reason = values.reason
      break
    default:
      break
  }
  if (Object.keys(fields).length > 0) return { ok: false, error: { command: type, fields, values } }
  return { ok: true, type, version: head.data.version, command }
}

/** Field errors from the lifecycle's own validation (a path like `leadKey` or `items[2]`). */
export function lifecycleFieldErrors(
  type: CommandType,
  errors: readonly { path: string; nl: string; en: string }[],
  lang: Lang,
  values: Record<string, string>,
): CaseFormError {
  const known = FIELDS[type]
  const fields: Record<string, string> = {}
  for (const e of errors) {
    const name = e.path.split(/[.[]/)[0] ?? ''
    const field = known.includes(name) ? name : (known[0] ?? 'command')
    fields[field] ??= e[lang]
  }
  return { command: type, fields, values }
}

/** The values as typed, for showing a form again. */
export function formValues(body: FormBody, type: CommandType): Record<string, string> {
  return Object.fromEntries(FIELDS[type].map((name) => [name, formString(body, name)]))
}
