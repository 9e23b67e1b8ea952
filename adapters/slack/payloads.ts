import { z } from 'zod'
import type { Lang } from '../../src/domain/enums'

/**
 * Slack payload shapes (slash command form bodies, interaction `payload=` JSON). Slack adds fields
 * over time, so objects are loose (unknown keys pass through untouched); every field we read is typed.
 * Parsing happens only after `verifySlackRequest` accepted the raw body.
 */

const id = z.string().min(1).max(64)

/** A slash command's form fields (`/ret …`). */
export const SlashCommandSchema = z.looseObject({
  team_id: id,
  user_id: id,
  command: z.string().min(1).max(64),
  text: z.string().max(4000).default(''),
  trigger_id: z.string().min(1).max(200),
  response_url: z.string().url().optional(),
  channel_id: id.optional(),
  api_app_id: id.optional(),
  enterprise_id: id.optional(),
})
export type SlashCommand = z.infer<typeof SlashCommandSchema>

const OptionSchema = z.looseObject({ value: z.string() })

/** One entry of `view.state.values[blockId][actionId]`. */
export const StateValueSchema = z.looseObject({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: OptionSchema.nullish(),
  selected_options: z.array(OptionSchema).nullish(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_date_time: z.number().nullish(),
  selected_user: z.string().nullish(),
  selected_users: z.array(z.string()).nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
})
export type StateValue = z.infer<typeof StateValueSchema>
/** `view.state.values`: block id → action id → value. */
export type StateValues = Record<string, Record<string, StateValue>>

const ViewSchema = z.looseObject({
  id: id,
  hash: z.string().optional(),
  callback_id: z.string().max(255).default(''),
  private_metadata: z.string().max(3000).default(''),
  root_view_id: z.string().nullish(),
  state: z
    .looseObject({ values: z.record(z.string(), z.record(z.string(), StateValueSchema)) })
    .default({ values: {} }),
})
export type SlackView = z.infer<typeof ViewSchema>

const UserSchema = z.looseObject({ id: id, team_id: id.optional(), locale: z.string().optional() })
const TeamSchema = z.looseObject({ id: id })

/** One clicked element of a block_actions payload. */
export const BlockActionSchema = z.looseObject({
  action_id: z.string().max(255),
  block_id: z.string().max(255).optional(),
  type: z.string(),
  value: z.string().max(2000).optional(),
  action_ts: z.string().optional(),
  selected_option: OptionSchema.nullish(),
})
export type BlockAction = z.infer<typeof BlockActionSchema>

/** A button click (on a message or inside a modal). */
export const BlockActionsPayloadSchema = z.looseObject({
  type: z.literal('block_actions'),
  team: TeamSchema.nullable(),
  user: UserSchema,
  trigger_id: z.string().min(1).max(200),
  api_app_id: id.optional(),
  container: z.looseObject({ type: z.string() }).optional(),
  channel: z.looseObject({ id: id }).optional(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  view: ViewSchema.optional(),
  response_url: z.string().url().optional(),
  actions: z.array(BlockActionSchema).min(1).max(25),
})
export type BlockActionsPayload = z.infer<typeof BlockActionsPayloadSchema>

/** A modal's Submit. */
export const ViewSubmissionPayloadSchema = z.looseObject({
  type: z.literal('view_submission'),
  team: TeamSchema.nullable(),
  user: UserSchema,
  trigger_id: z.string().max(200).optional(),
  api_app_id: id.optional(),
  view: ViewSchema,
})
export type ViewSubmissionPayload = z.infer<typeof ViewSubmissionPayloadSchema>

/** A modal closed with its close button (sent because we set `notify_on_close`). */
export const ViewClosedPayloadSchema = z.looseObject({
  type: z.literal('view_closed'),
  team: TeamSchema.nullable(),
  user: UserSchema,
  view: ViewSchema,
})
export type ViewClosedPayload = z.infer<typeof ViewClosedPayloadSchema>

/** The interaction payloads this app handles. */
export const InteractionPayloadSchema = z.discriminatedUnion('type', [
  BlockActionsPayloadSchema,
  ViewSubmissionPayloadSchema,
  ViewClosedPayloadSchema,
])
export type InteractionPayload = z.infer<typeof InteractionPayloadSchema>

/** A parse result: the payload, or why it was refused. */
export type ParsedSlack<T> = { ok: true; value: T } | { ok: false; code: 'bad_payload' | 'unsupported_type' }

/** Parses a verified slash-command body (application/x-www-form-urlencoded). */
export function parseSlashCommand(rawBody: string): ParsedSlack<SlashCommand> {
  const fields = Object.fromEntries(new URLSearchParams(rawBody))
  const result = SlashCommandSchema.safeParse(fields)
  return result.success ? { ok: true, value: result.data } : { ok: false, code: 'bad_payload' }
}

/** Parses a verified interaction body (`payload=<json>`, form-encoded). */
export function parseInteraction(rawBody: string): ParsedSlack<InteractionPayload> {
  const json = new URLSearchParams(rawBody).get('payload')
  if (!json) return { ok: false, code: 'bad_payload' }
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    return { ok: false, code: 'bad_payload' }
  }
  const type = (data as { type?: unknown } | null)?.type
  if (type !== 'block_actions' && type !== 'view_submission' && type !== 'view_closed') {
    return { ok: false, code: 'unsupported_type' }
  }
  const result = InteractionPayloadSchema.safeParse(data)
  return result.success ? { ok: true, value: result.data } : { ok: false, code: 'bad_payload' }
}

/** The `/ret` sub-commands. A leading or trailing `nl`/`en` chooses the language. */
export type RetCommand =
  | { kind: 'intake'; lang: Lang | null }
  | { kind: 'status'; reference: string | null; lang: Lang | null }
  | { kind: 'help'; lang: Lang | null }
  | { kind: 'unknown'; lang: Lang | null }

/** Case references look like RET-2026-0042. */
export const REFERENCE_PATTERN = /^RET-\d{4}-\d{4,6}$/

/** Reads the text after `/ret`. */
export function parseRetCommandText(text: string): RetCommand {
  const tokens = text.trim().split(/\s+/).filter(Boolean)
  let lang: Lang | null = null
  const rest = tokens.filter((token) => {
    const lower = token.toLowerCase()
    if (lang === null && (lower === 'nl' || lower === 'en')) {
      lang = lower
      return false
    }
    return true
  })
  const [head, arg, ...extra] = rest
  const verb = head?.toLowerCase()
  if (verb === undefined || verb === 'start' || verb === 'nieuw' || verb === 'new' || verb === 'aanmelden') {
    return verb !== undefined && arg !== undefined ? { kind: 'unknown', lang } : { kind: 'intake', lang }
  }
  if (verb === 'help' || verb === 'hulp' || verb === '?') return { kind: 'help', lang }
  if (verb === 'status') {
    const reference = arg?.toUpperCase() ?? ''
    return {
      kind: 'status',
      reference: extra.length === 0 && REFERENCE_PATTERN.test(reference) ? reference : null,
      lang,
    }
  }
  return { kind: 'unknown', lang }
}

/** Dutch unless the Slack locale (e.g. `en-GB`, `nl-NL`) says English. */
export function langFromLocale(locale: string | null | undefined): Lang {
  return locale?.toLowerCase().startsWith('en') ? 'en' : 'nl'
}

/**
 * Flattens one state value into what a form would send: a string, a string[] for multi-selects,
 * or null when empty. Dates stay ISO (`YYYY-MM-DD`); date-times become ISO instants.
 */
export function readStateValue(value: StateValue): string | string[] | null {
  if (value.selected_options) return value.selected_options.map((o) => o.value)
  if (value.selected_users) return value.selected_users
  if (value.selected_option !== undefined) return value.selected_option?.value ?? null
  if (value.selected_date !== undefined) return value.selected_date ?? null
  if (value.selected_time !== undefined) return value.selected_time ?? null
  if (value.selected_date_time !== undefined) {
    return value.selected_date_time == null ? null : new Date(value.selected_date_time * 1000).toISOString()
  }
  if (value.selected_user !== undefined) return value.selected_user ?? null
  if (value.selected_conversation !== undefined) return value.selected_conversation ?? null
  if (value.selected_channel !== undefined) return value.selected_channel ?? null
  if (value.value !== undefined) {
    const text = value.value ?? ''
    return text === '' ? null : text
  }
  if (value.type === 'checkboxes' || value.type === 'multi_static_select') return []
  return null
}

/** All state values of a view by block id (one action per block in every view we build). */
export function readViewState(values: StateValues): Record<string, string | string[] | null> {
  const out: Record<string, string | string[] | null> = {}
  for (const [blockId, actions] of Object.entries(values)) {
    const first = Object.values(actions)[0]
    if (first) out[blockId] = readStateValue(first)
  }
  return out
}
