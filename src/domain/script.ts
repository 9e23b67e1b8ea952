import { z } from 'zod'
import scriptJson from '../../templates/intake-script.json'
import { type Condition, ConditionSchema } from './conditions'
import type { FieldKind } from './dialogue-types'
import { ENUMS, type EnumName } from './enums'
import { type ParseResult, parseWith } from './intake'

/**
 * The intake script kept as data (templates/intake-script.json): which steps the dialogue asks, in which
 * order, which intake fields each step binds, when a step or field applies (`showIf`, a Condition over
 * the answers so far plus `$age` and `$flow`), the inline notices and the gate notices G1–G4.
 * A region changes wording or order here without touching code; `parseScript` checks it on load.
 */

/** Every field kind a script may use (mirrors `FieldKind` in dialogue-types.ts). */
export const FIELD_KINDS = [
  'text',
  'textarea',
  'email',
  'tel',
  'year',
  'integer',
  'date',
  'month',
  'select',
  'radio',
  'checkboxes',
  'boolean',
  'list',
] as const satisfies readonly FieldKind[]

/** What a notice choice does; the dialogue implements each one (src/domain/dialogue.ts). */
export const CHOICE_EFFECTS = ['continue', 'consultation', 'spoedmelding', 'stop', 'goto'] as const

const ENUM_NAMES = Object.keys(ENUMS) as [EnumName, ...EnumName[]]
const copyKey = z.string().regex(/^dialogue\.[\w.]+$/, { message: 'validation.format' })
const id = z.string().regex(/^[a-zA-Z][\w-]*$/, { message: 'validation.format' })
/** A default is a JSON value, or `{ "$copy": key }` for a text taken from the copy in the draft's language. */
const defaultValue = z.union([
  z.strictObject({ $copy: copyKey }),
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()),
])

const fieldShape = {
  /** Intake path (`child.birthYear`); inside a list, the path within one row (`what`). */
  path: z.string().regex(/^[\w$]+(\.\w+)*$/, { message: 'validation.format' }),
  kind: z.enum(FIELD_KINDS),
  label: copyKey,
  hint: copyKey.optional(),
  required: z.boolean(),
  /** Options come from this enumeration (select, radio, checkboxes). */
  enum: z.enum(ENUM_NAMES).optional(),
  /** Options instead of the enumeration's values (a region pack's municipalities: src/domain/region.ts). */
  options: z.array(z.string().min(1).max(100)).min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  maxLength: z.int().min(1).optional(),
  /** A text that must have a particular form: `initial` = one word of at most 3 letters (child.pseudonym). */
  format: z.enum(['initial']).optional(),
  /** Dates, months and years may not lie after today. */
  notFuture: z.boolean().optional(),
  showIf: ConditionSchema.optional(),
  /** Required when this condition holds over the answers so far (an optional field that becomes required). */
  requiredIf: ConditionSchema.optional(),
  /** The value in the built intake when the field does not apply or is left empty. */
  default: defaultValue.optional(),
  /** An optional extension of the canonical intake: left out of the built intake when empty. */
  omitWhenEmpty: z.boolean().optional(),
}

export const ItemFieldSchema = z.strictObject(fieldShape)

export const ScriptFieldSchema = z.strictObject({
  ...fieldShape,
  /** For kind `list`: the fields of one row and the most rows allowed. */
  items: z.array(ItemFieldSchema).min(1).optional(),
  maxItems: z.int().min(1).optional(),
})

export const InlineNoticeSchema = z.strictObject({
  id,
  tone: z.enum(['danger', 'warning', 'info']),
  title: copyKey,
  body: z.array(copyKey).min(1),
  showIf: ConditionSchema.optional(),
})

export const StepSchema = z.strictObject({
  id,
  title: copyKey,
  intro: copyKey.optional(),
  showIf: ConditionSchema.optional(),
  fields: z.array(ScriptFieldSchema).min(1),
  notices: z.array(InlineNoticeSchema).optional(),
})

export const ChoiceSchema = z.strictObject({
  id,
  label: copyKey,
  does: z.enum(CHOICE_EFFECTS),
  goto: id.optional(),
  primary: z.boolean().optional(),
})

export const GateNoticeSchema = z.strictObject({
  id,
  /** The step whose answer can raise this notice; checked after every answer once that step is done. */
  after: id,
  tone: z.enum(['danger', 'warning', 'info']),
  title: copyKey,
  body: z.array(copyKey).min(1),
  when: ConditionSchema,
  choices: z.array(ChoiceSchema).min(1),
})

export const IntakeScriptSchema = z
  .strictObject({
    version: z.int().min(1),
    description: z.string().optional(),
    /**
     * The municipalities the intake accepts, when not Drenthe's (set by a region pack, src/domain/region.ts
     * `Region.script`, together with the options of the `municipality` fields).
     */
    municipalities: z.array(z.string().min(1).max(100)).min(1).optional(),
    /** Intake paths with a fixed value no step asks for (e.g. `analysis.attachmentId`). */
    constants: z.record(z.string(), z.unknown()).optional(),
    steps: z.array(StepSchema).min(1),
    /** Notices shown on top of every step while their condition holds (e.g. crisis numbers in a spoedmelding). */
    banners: z.array(InlineNoticeSchema).optional(),
    gates: z.array(GateNoticeSchema),
  })
  .superRefine((script, ctx) => {
    const stepIds = new Set<string>()
    const paths = new Set<string>()
    script.steps.forEach((step, s) => {
      if (stepIds.has(step.id) || step.id === 'review')
        ctx.addIssue({ code: 'custom', path: ['steps', s, 'id'], message: 'validation.duplicate' })
      stepIds.add(step.id)
      step.fields.forEach((field, f) => {
        const at = ['steps', s, 'fields', f]
        if (paths.has(field.path))
          ctx.addIssue({ code: 'custom', path: [...at, 'path'], message: 'validation.duplicate' })
        paths.add(field.path)
        for (const problem of fieldProblems(field))
          ctx.addIssue({ code: 'custom', path: [...at, problem], message: 'validation.invalid' })
        field.items?.forEach((item, i) => {
          for (const problem of fieldProblems(item))
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'items', i, problem],
              message: 'validation.invalid',
            })
        })
      })
    })
    const gateIds = new Set<string>()
    script.gates.forEach((gate, g) => {
      if (gateIds.has(gate.id) || stepIds.has(gate.id))
        ctx.addIssue({ code: 'custom', path: ['gates', g, 'id'], message: 'validation.duplicate' })
      gateIds.add(gate.id)
      if (!stepIds.has(gate.after))
        ctx.addIssue({ code: 'custom', path: ['gates', g, 'after'], message: 'validation.invalid' })
      gate.choices.forEach((choice, c) => {
        if ((choice.does === 'goto') !== (choice.goto !== undefined && stepIds.has(choice.goto)))
          ctx.addIssue({
            code: 'custom',
            path: ['gates', g, 'choices', c, 'goto'],
            message: 'validation.invalid',
          })
      })
    })
  })

/** Which property of a field is inconsistent with its kind (empty when fine). */
function fieldProblems(
  field: z.infer<typeof ItemFieldSchema> & { items?: unknown; maxItems?: number },
): string[] {
  const problems: string[] = []
  const needsEnum = field.kind === 'select' || field.kind === 'radio' || field.kind === 'checkboxes'
  if (needsEnum !== (field.enum !== undefined)) problems.push('enum')
  if ((field.kind === 'list') !== (field.items !== undefined && field.maxItems !== undefined))
    problems.push('items')
  if (!field.required && field.kind === 'boolean' && field.default === undefined) problems.push('default')
  return problems
}

export type IntakeScript = z.infer<typeof IntakeScriptSchema>
export type ScriptStep = z.infer<typeof StepSchema>
export type ScriptField = z.infer<typeof ScriptFieldSchema>
export type ItemField = z.infer<typeof ItemFieldSchema>
export type InlineNotice = z.infer<typeof InlineNoticeSchema>
export type GateNotice = z.infer<typeof GateNoticeSchema>
export type NoticeChoice = z.infer<typeof ChoiceSchema>
export type { Condition }

/** Validates an intake script (a region's own file or the default). */
export function parseScript(input: unknown): ParseResult<IntakeScript> {
  return parseWith(IntakeScriptSchema, input, 'script')
}

/**
 * The default intake script of templates/intake-script.json.
 * Validated by tests/unit/templates.test.ts (its schema must accept it unchanged) rather than at every
 * isolate start, which the start-up budget cannot afford (DESIGN.md §5); a region's edit is caught by CI.
 */
export const DEFAULT_SCRIPT: IntakeScript = scriptJson as unknown as IntakeScript
