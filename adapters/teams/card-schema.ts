import { z } from 'zod'

/**
 * The subset of the Adaptive Card 1.5 schema (adaptivecards.io/schemas/1.5.0) that this bot emits,
 * written as strict zod objects: an element or property outside the subset, or one newer than 1.5,
 * fails validation. Teams renders 1.5 on desktop, web and mobile; 1.6 is not on every client.
 * No npm package ships the official 1.5 JSON schema (adaptivecards-designer carries 1.0), so the
 * properties here follow the official definitions by hand (docs/teams.md); tests validate every card
 * the adapter builds against it. cards.ts imports only the types from here.
 */

const Spacing = z.enum(['default', 'none', 'small', 'medium', 'large', 'extraLarge', 'padding'])
const ContainerStyle = z.enum(['default', 'emphasis', 'good', 'attention', 'warning', 'accent'])
const Colors = z.enum(['default', 'dark', 'light', 'accent', 'good', 'warning', 'attention'])

const elementBase = {
  id: z.string().optional(),
  spacing: Spacing.optional(),
  separator: z.boolean().optional(),
  isVisible: z.boolean().optional(),
}

/** Input ids and action data travel back to the bot; every input has a visible label (1.3). */
const inputBase = {
  ...elementBase,
  id: z.string().min(1),
  label: z.string().min(1),
  isRequired: z.boolean().optional(),
  errorMessage: z.string().optional(),
}

export const TextBlockSchema = z.strictObject({
  type: z.literal('TextBlock'),
  ...elementBase,
  text: z.string(),
  wrap: z.boolean().optional(),
  size: z.enum(['default', 'small', 'medium', 'large', 'extraLarge']).optional(),
  weight: z.enum(['default', 'lighter', 'bolder']).optional(),
  color: Colors.optional(),
  isSubtle: z.boolean().optional(),
  maxLines: z.number().int().positive().optional(),
  /** `heading` is new in 1.5. */
  style: z.enum(['default', 'heading']).optional(),
})

export const FactSetSchema = z.strictObject({
  type: z.literal('FactSet'),
  ...elementBase,
  facts: z.array(z.strictObject({ title: z.string(), value: z.string() })),
})

export const TextInputSchema = z.strictObject({
  type: z.literal('Input.Text'),
  ...inputBase,
  value: z.string().optional(),
  placeholder: z.string().optional(),
  isMultiline: z.boolean().optional(),
  maxLength: z.number().int().positive().optional(),
  style: z.enum(['text', 'tel', 'url', 'email', 'password']).optional(),
  regex: z.string().optional(),
})

export const NumberInputSchema = z.strictObject({
  type: z.literal('Input.Number'),
  ...inputBase,
  value: z.number().optional(),
  placeholder: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
})

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

export const DateInputSchema = z.strictObject({
  type: z.literal('Input.Date'),
  ...inputBase,
  value: isoDate.optional(),
  placeholder: z.string().optional(),
  min: isoDate.optional(),
  max: isoDate.optional(),
})

export const ChoiceSetInputSchema = z.strictObject({
  type: z.literal('Input.ChoiceSet'),
  ...inputBase,
  choices: z.array(z.strictObject({ title: z.string().min(1), value: z.string() })).min(1),
  /** Multi-select values are one comma-separated string. */
  value: z.string().optional(),
  isMultiSelect: z.boolean().optional(),
  style: z.enum(['compact', 'expanded', 'filtered']).optional(),
  placeholder: z.string().optional(),
  wrap: z.boolean().optional(),
})

export const ToggleInputSchema = z.strictObject({
  type: z.literal('Input.Toggle'),
  ...inputBase,
  title: z.string().min(1),
  value: z.string().optional(),
  valueOn: z.string().optional(),
  valueOff: z.string().optional(),
  wrap: z.boolean().optional(),
})

const actionBase = {
  title: z.string().min(1),
  id: z.string().optional(),
  style: z.enum(['default', 'positive', 'destructive']).optional(),
  tooltip: z.string().optional(),
}

export const SubmitActionSchema = z.strictObject({
  type: z.literal('Action.Submit'),
  ...actionBase,
  data: z.record(z.string(), z.unknown()).optional(),
  associatedInputs: z.enum(['auto', 'none']).optional(),
})

export const OpenUrlActionSchema = z.strictObject({
  type: z.literal('Action.OpenUrl'),
  ...actionBase,
  url: z.url({ protocol: /^https?$/ }),
})

export const ActionSchema = z.discriminatedUnion('type', [SubmitActionSchema, OpenUrlActionSchema])

export const ActionSetSchema = z.strictObject({
  type: z.literal('ActionSet'),
  ...elementBase,
  actions: z.array(ActionSchema).min(1),
})

export type TextBlock = z.output<typeof TextBlockSchema>
export type FactSet = z.output<typeof FactSetSchema>
export type TextInput = z.output<typeof TextInputSchema>
export type NumberInput = z.output<typeof NumberInputSchema>
export type DateInput = z.output<typeof DateInputSchema>
export type ChoiceSetInput = z.output<typeof ChoiceSetInputSchema>
export type ToggleInput = z.output<typeof ToggleInputSchema>
export type SubmitAction = z.output<typeof SubmitActionSchema>
export type OpenUrlAction = z.output<typeof OpenUrlActionSchema>
export type CardAction = z.output<typeof ActionSchema>
export type ActionSet = z.output<typeof ActionSetSchema>
export type CardInput = TextInput | NumberInput | DateInput | ChoiceSetInput | ToggleInput

export interface Container {
  type: 'Container'
  id?: string
  spacing?: z.output<typeof Spacing>
  separator?: boolean
  isVisible?: boolean
  style?: z.output<typeof ContainerStyle>
  bleed?: boolean
  items: CardElement[]
}

export type CardElement = TextBlock | FactSet | CardInput | ActionSet | Container

export const ContainerSchema: z.ZodType<Container> = z.strictObject({
  type: z.literal('Container'),
  ...elementBase,
  style: ContainerStyle.optional(),
  bleed: z.boolean().optional(),
  get items() {
    return z.array(ElementSchema)
  },
})

export const ElementSchema: z.ZodType<CardElement> = z.lazy(() =>
  z.union([
    TextBlockSchema,
    FactSetSchema,
    TextInputSchema,
    NumberInputSchema,
    DateInputSchema,
    ChoiceSetInputSchema,
    ToggleInputSchema,
    ActionSetSchema,
    ContainerSchema,
  ]),
)

/** The top-level card. `version` is pinned to 1.5, the newest Teams renders on every client. */
export const AdaptiveCardSchema = z.strictObject({
  type: z.literal('AdaptiveCard'),
  $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
  version: z.literal('1.5'),
  lang: z.enum(['nl', 'en']).optional(),
  fallbackText: z.string().optional(),
  speak: z.string().optional(),
  body: z.array(ElementSchema),
  actions: z.array(ActionSchema).optional(),
})

export type AdaptiveCard = z.output<typeof AdaptiveCardSchema>

/** Bot Framework attachment content type of an Adaptive Card. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive'
