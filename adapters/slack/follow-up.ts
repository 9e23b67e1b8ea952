import type { InputBlock, PlainTextOption } from '@slack/types'
import { z } from 'zod'
import type { Bilingual } from '../../src/domain/copy'
import { t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { FOLLOW_UP_INPUTS, FOLLOW_UP_NOTE_MAX, type FollowUpInput } from '../../src/domain/follow-up'
import { readViewState, type SlackView } from './payloads'
import type { SlackMessage, SlackModalErrors, SlackModalView } from './types'

/**
 * The follow-up question after the advice in Slack (issue 15 §1): a direct message to the case's referrer
 * with a button; the button opens a modal (`views.open` with the click's trigger id) holding the web case
 * page's questions; its `view_submission` hands the values, as chosen, to the follow-up use case, which
 * checks them with the domain's one reader. Errors come back under the fields (`response_action: errors`,
 * keyed by block id = input name). Pure builders and readers.
 */

/** Action id of the "Nazorgvragen beantwoorden" button. */
export const FOLLOW_UP_ACTION_ID = 'ret:followup'
/** Callback id of the follow-up modal. */
export const FOLLOW_UP_CALLBACK_ID = 'ret:followup'

/** Which case a button or modal is about, and the modal's language. */
export const FollowUpRefSchema = z.strictObject({
  r: z.string().regex(/^RET-\d{4}-\d{4,6}$/),
  l: z.enum(['nl', 'en']).optional(),
})
export type FollowUpRef = z.infer<typeof FollowUpRefSchema>

/** Reads a follow-up reference from a button value or modal metadata. */
export function parseFollowUpRef(text: string | undefined): FollowUpRef | null {
  if (!text) return null
  try {
    const parsed = FollowUpRefSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

const plain = (text: string, max = 2000) => ({
  type: 'plain_text' as const,
  text: text.length <= max ? text : `${text.slice(0, max - 1)}…`,
  emoji: true,
})

/** The direct message with the question (number 1) or its reminder, and the button that opens the modal. */
export function buildFollowUpMessage(reference: string, number: number, lang: Lang): SlackMessage {
  const title = t(lang, `lifecycle.followUp.${number > 1 ? 'reminderTitle' : 'title'}`, { reference })
  const intro = t(lang, 'lifecycle.followUp.intro', { reference })
  const ref: FollowUpRef = { r: reference }
  return {
    text: title,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${intro}` } },
      {
        type: 'actions',
        block_id: 'ret:followup',
        elements: [
          {
            type: 'button',
            action_id: FOLLOW_UP_ACTION_ID,
            style: 'primary',
            text: plain(t(lang, 'lifecycle.followUp.open'), 75),
            value: JSON.stringify(ref),
          },
        ],
      },
    ],
  }
}

function option(lang: Lang, value: string): PlainTextOption {
  return {
    text: plain(t(lang, `lifecycle.followUp.options.${/^\d$/.test(value) ? `scale${value}` : value}`), 75),
    value,
  }
}

function radios(lang: Lang, id: FollowUpInput, values: readonly string[], optional = false): InputBlock {
  return {
    type: 'input',
    block_id: id,
    label: plain(t(lang, `lifecycle.followUp.fields.${id}`)),
    optional,
    element: { type: 'radio_buttons', action_id: 'value', options: values.map((v) => option(lang, v)) },
  }
}

/** The modal with the follow-up questions. */
export function buildFollowUpModal(reference: string, lang: Lang): SlackModalView {
  const ref: FollowUpRef = { r: reference, l: lang }
  const ypn = ['yes', 'partly', 'no'] as const
  const yn = ['yes', 'no'] as const
  return {
    type: 'modal',
    callback_id: FOLLOW_UP_CALLBACK_ID,
    title: plain(t(lang, 'lifecycle.followUp.modalTitle'), 24),
    submit: plain(t(lang, 'lifecycle.followUp.modalSubmit'), 24),
    close: plain(t(lang, 'lifecycle.followUp.modalClose'), 24),
    private_metadata: JSON.stringify(ref),
    blocks: [
      {
        type: 'section',
        block_id: 'intro',
        text: { type: 'mrkdwn', text: t(lang, 'lifecycle.followUp.intro', { reference }) },
      },
      radios(lang, 'adviceFollowed', ypn),
      radios(lang, 'careStarted', yn),
      {
        type: 'input',
        block_id: 'careStartedAt',
        label: plain(t(lang, 'lifecycle.followUp.fields.careStartedAt')),
        optional: true,
        element: { type: 'datepicker', action_id: 'value' },
      },
      radios(lang, 'goalsReached', ypn, true),
      radios(lang, 'stoppedEarly', yn),
      radios(lang, 'usefulness', ['1', '2', '3', '4', '5']),
      {
        type: 'input',
        block_id: 'note',
        label: plain(t(lang, 'lifecycle.followUp.fields.note')),
        optional: true,
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          max_length: Math.min(FOLLOW_UP_NOTE_MAX, 3000),
        },
        hint: plain(t(lang, 'lifecycle.followUp.privacy')),
      },
    ],
  }
}

/** Reads the modal's submission: the case, the language and the values as chosen (checked by the use case). */
export function parseFollowUpSubmission(
  view: SlackView,
):
  | { ok: true; ref: FollowUpRef; lang: Lang; raw: Record<string, string> }
  | { ok: false; lang: Lang; response: SlackModalErrors } {
  const ref = parseFollowUpRef(view.private_metadata)
  const lang: Lang = ref?.l ?? 'nl'
  if (!ref)
    return {
      ok: false,
      lang,
      response: { response_action: 'errors', errors: { adviceFollowed: t(lang, 'slack.error.stale') } },
    }
  const state = readViewState(view.state.values)
  const raw: Record<string, string> = {}
  for (const name of FOLLOW_UP_INPUTS) {
    const value = state[name]
    if (typeof value === 'string') raw[name] = value
  }
  return { ok: true, ref, lang, raw }
}

/** The use case's errors as the modal's field errors (block id = input name). */
export function buildFollowUpErrors(
  errors: Partial<Record<FollowUpInput, Bilingual>>,
  lang: Lang,
): SlackModalErrors {
  const out: Record<string, string> = {}
  for (const [name, error] of Object.entries(errors)) if (error) out[name] = error[lang]
  return { response_action: 'errors', errors: out }
}

/** The modal after the answers (or a refusal): one sentence and a close button. */
export function buildFollowUpDoneView(lang: Lang, key: string, reference: string): SlackModalView {
  return {
    type: 'modal',
    callback_id: `${FOLLOW_UP_CALLBACK_ID}:done`,
    title: plain(t(lang, 'lifecycle.followUp.modalTitle'), 24),
    close: plain(t(lang, 'lifecycle.followUp.modalClose'), 24),
    private_metadata: '',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: t(lang, key, { reference }) } }],
  }
}
