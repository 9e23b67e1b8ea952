import type { Bilingual } from '../../src/domain/copy'
import { t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import { FOLLOW_UP_NOTE_MAX, type FollowUpInput } from '../../src/domain/follow-up'
import type { AdaptiveCard, CardElement, ChoiceSetInput, SubmitAction, TextBlock } from './card-schema'

/**
 * The follow-up question after the advice as an Adaptive Card (issue 15 §1), sent to the case's referrer
 * in their personal chat with the bot. Its inputs are the web case page's: advice followed (yes / partly /
 * no), care started and on which date, goals reached, stopped early (uitval), usefulness 1–5 and an
 * optional note. "Antwoorden versturen" is an `Action.Submit` like the chair's question card: Teams posts
 * the inputs as a message whose `value` carries `action: 'followUp'` and the reference; the bot checks
 * them with the domain's one schema (`readFollowUpInput`) and replaces the card in place — with the errors
 * under the fields and the values as chosen, or with a short confirmation. Pure.
 */

/** The submit action of the follow-up card. */
export const FOLLOW_UP_ACTION = 'followUp'

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json' as const

export interface FollowUpCardInput {
  lang: Lang
  reference: string
  /** 1 for the question, 2 and up for a reminder. */
  number?: number
  /** Errors per input (after a refused submit). */
  errors?: Partial<Record<FollowUpInput, Bilingual>>
  /** The values as submitted, to show the card again. */
  values?: Partial<Record<FollowUpInput, string>>
}

function text(value: string, extra: Partial<TextBlock> = {}): TextBlock {
  return { type: 'TextBlock', text: value, wrap: true, ...extra }
}

function choice(
  lang: Lang,
  id: FollowUpInput,
  options: readonly string[],
  input: FollowUpCardInput,
  required: boolean,
): ChoiceSetInput {
  const value = input.values?.[id]
  return {
    type: 'Input.ChoiceSet',
    id,
    label: t(lang, `lifecycle.followUp.fields.${id}`),
    style: 'expanded',
    choices: options.map((o) => ({
      title: t(lang, `lifecycle.followUp.options.${/^\d$/.test(o) ? `scale${o}` : o}`),
      value: o,
    })),
    ...(required ? { isRequired: true } : {}),
    errorMessage: t(lang, 'lifecycle.followUp.errors.required', {
      field: t(lang, `lifecycle.followUp.fields.${id}`),
    }),
    ...(value && options.includes(value) ? { value } : {}),
  }
}

/** The card's text under an input that was refused (what the server found; Teams checks `isRequired` itself). */
function errorLine(lang: Lang, input: FollowUpCardInput, id: FollowUpInput): TextBlock[] {
  const error = input.errors?.[id]
  return error ? [text(`⚠ ${error[lang]}`, { color: 'attention', size: 'small', spacing: 'none' })] : []
}

/** The follow-up question (or its reminder) as a card with inputs. */
export function buildFollowUpCard(input: FollowUpCardInput): AdaptiveCard {
  const { lang, reference } = input
  const reminder = (input.number ?? 1) > 1
  const ypn = ['yes', 'partly', 'no'] as const
  const yn = ['yes', 'no'] as const
  const date = input.values?.careStartedAt
  const body: CardElement[] = [
    text(t(lang, `lifecycle.followUp.${reminder ? 'reminderTitle' : 'title'}`, { reference }), {
      style: 'heading',
      size: 'large',
      weight: 'bolder',
    }),
    text(t(lang, 'lifecycle.followUp.intro', { reference })),
  ]
  if (input.errors && Object.keys(input.errors).length > 0)
    body.push(text(t(lang, 'lifecycle.followUp.errors.summary'), { color: 'attention', weight: 'bolder' }))
  body.push(
    choice(lang, 'adviceFollowed', ypn, input, true),
    ...errorLine(lang, input, 'adviceFollowed'),
    choice(lang, 'careStarted', yn, input, true),
    ...errorLine(lang, input, 'careStarted'),
    {
      type: 'Input.Date',
      id: 'careStartedAt',
      label: t(lang, 'lifecycle.followUp.fields.careStartedAt'),
      ...(date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? { value: date } : {}),
    },
    ...errorLine(lang, input, 'careStartedAt'),
    choice(lang, 'goalsReached', ypn, input, false),
    ...errorLine(lang, input, 'goalsReached'),
    choice(lang, 'stoppedEarly', yn, input, true),
    ...errorLine(lang, input, 'stoppedEarly'),
    choice(lang, 'usefulness', ['1', '2', '3', '4', '5'], input, true),
    ...errorLine(lang, input, 'usefulness'),
    {
      type: 'Input.Text',
      id: 'note',
      label: t(lang, 'lifecycle.followUp.fields.note'),
      isMultiline: true,
      maxLength: FOLLOW_UP_NOTE_MAX,
      ...(input.values?.note ? { value: input.values.note.slice(0, FOLLOW_UP_NOTE_MAX) } : {}),
    },
    ...errorLine(lang, input, 'note'),
    text(t(lang, 'lifecycle.followUp.privacy'), { isSubtle: true, size: 'small', spacing: 'none' }),
  )
  const send: SubmitAction = {
    type: 'Action.Submit',
    title: t(lang, 'lifecycle.followUp.send'),
    style: 'positive',
    associatedInputs: 'auto',
    data: { action: FOLLOW_UP_ACTION, reference },
  }
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.5',
    lang,
    fallbackText: t(lang, 'teams.fallback'),
    body,
    actions: [send],
  }
}
