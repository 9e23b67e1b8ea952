import { z } from 'zod'
import defaultRulesJson from '../../templates/routing-rules.json'
import { type Condition, ConditionSchema } from './conditions'
import { both } from './copy'
import { GATES, INTERVENTIONS, type Intervention } from './enums'
import { formatIssues, IntakeSchema, type ParseResult, type ValidationError } from './intake'

/**
 * The routing ruleset kept as data (templates/routing-rules.json, DOMAIN.md §2–3). A region changes
 * weights, conditions, additions, G5 triggers and gate texts in that file, never in code.
 * `parseRuleSet` checks the shape and also that every condition reads a field the intake has, with
 * values that field can hold: a typo in a rules file is an error, not a rule that silently never fires.
 */

const intervention = z.enum(INTERVENTIONS)
const id = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'validation.format' })
const text = z.string().trim().min(1).max(1000)

/** A weighted rule: when `when` holds, `weight` is added to `intervention`'s score. */
export const RuleSchema = z.strictObject({
  id,
  intervention,
  weight: z.number().min(-100).max(100),
  /** The intake field the reason names (shown to referrer and chair). */
  field: z.string().min(1),
  when: ConditionSchema,
  nl: text,
  en: text,
})

/** An override: when it holds, it decides the primary (e.g. an anonymous consultation → Experttafel). */
export const OverrideSchema = z.strictObject({
  id,
  intervention,
  field: z.string().min(1),
  when: ConditionSchema,
  nl: text,
  en: text,
})

/** An addition: when it holds (`$primary` is known here), these join the alternatives. */
export const AdditionSchema = z.strictObject({
  id,
  when: ConditionSchema,
  add: z.array(intervention).min(1),
})

/** A trigger that makes a shared explanatory analysis required (DOMAIN.md §2 G5). */
export const AnalysisTriggerSchema = z.strictObject({ id, field: z.string().min(1), when: ConditionSchema })

/**
 * A gate and its text. A gate may appear more than once (variants with their own text): the first
 * variant that holds is listed; the output lists each gate once, in the order G1…G5.
 */
export const GateRuleSchema = z.strictObject({
  gate: z.enum(GATES),
  when: ConditionSchema,
  missing: z.array(z.string().min(1).max(50)).optional(),
  nl: text,
  en: text,
})

export const RuleSetSchema = z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  /** Every intervention of the region once (checked against the region's list in `parseRuleSet`). */
  precedence: z.array(intervention).min(1).max(INTERVENTIONS.length),
  default: intervention,
  overrides: z.array(OverrideSchema),
  rules: z.array(RuleSchema).min(1),
  additions: z.array(AdditionSchema),
  analysisTriggers: z.array(AnalysisTriggerSchema),
  gates: z.array(GateRuleSchema),
})

export type Rule = z.infer<typeof RuleSchema>
export type RuleSet = z.infer<typeof RuleSetSchema>

/** Derived values a condition may read besides intake fields, per section of the ruleset. */
export const DERIVED_PATHS = {
  rules: ['$age'],
  overrides: ['$age'],
  additions: ['$age', '$primary'],
  analysisTriggers: ['$age'],
  gates: ['$age', '$analysisRequired'],
} as const

type Section = keyof typeof DERIVED_PATHS

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema
  while (node instanceof z.ZodNullable || node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType
  return node
}

/** The intake schema at a dotted path (`help.parties`, `help.history.0.result`), or undefined. */
export function intakeSchemaAt(path: string): z.ZodType | undefined {
  let node: z.ZodType = IntakeSchema
  for (const part of path.split('.')) {
    node = unwrap(node)
    if (node instanceof z.ZodObject) {
      const shape = node.shape as Record<string, z.ZodType>
      if (!Object.hasOwn(shape, part)) return undefined
      node = shape[part]!
    } else if (node instanceof z.ZodArray && /^\d+$/.test(part)) {
      node = node.element as z.ZodType
    } else return undefined
  }
  return node
}

/** Whether a dotted path names a field of the intake. */
export function intakePathExists(path: string): boolean {
  return intakeSchemaAt(path) !== undefined
}

function enumValues(schema: z.ZodType | undefined): readonly unknown[] | undefined {
  if (!schema) return undefined
  const inner = unwrap(schema)
  return inner instanceof z.ZodEnum ? (inner.options as readonly unknown[]) : undefined
}

const DERIVED_VALUES: Record<string, readonly unknown[] | 'number' | 'boolean'> = {
  $age: 'number',
  $analysisRequired: 'boolean',
  $primary: INTERVENTIONS,
}

/** Checks one condition's paths and the values it compares them with; appends problems to `out`. */
function checkCondition(condition: Condition, section: Section, at: string, out: ValidationError[]): void {
  if ('all' in condition || 'any' in condition) {
    const [key, list] = 'all' in condition ? ['all', condition.all] : ['any', condition.any]
    for (const [i, c] of list.entries()) checkCondition(c, section, `${at}.${key}[${i}]`, out)
    return
  }
  if ('not' in condition) {
    checkCondition(condition.not, section, `${at}.not`, out)
    return
  }

  const { path } = condition
  let allowed: readonly unknown[] | undefined
  let kind: 'number' | 'boolean' | 'array' | 'other'
  let nullable = false
  if (path.startsWith('$')) {
    const derived = DERIVED_VALUES[path]
    if (!derived || !(DERIVED_PATHS[section] as readonly string[]).includes(path)) {
      out.push({ path: `${at}.path`, ...both('routing.rules.unknownDerived', { field: `${at}.path`, path }) })
      return
    }
    allowed = typeof derived === 'string' ? undefined : derived
    kind = derived === 'number' ? 'number' : derived === 'boolean' ? 'boolean' : 'other'
  } else {
    const schema = intakeSchemaAt(path)
    if (!schema) {
      out.push({ path: `${at}.path`, ...both('routing.rules.unknownPath', { field: `${at}.path`, path }) })
      return
    }
    nullable = schema instanceof z.ZodNullable
    const inner = unwrap(schema)
    allowed = enumValues(inner)
    kind =
      inner instanceof z.ZodNumber
        ? 'number'
        : inner instanceof z.ZodBoolean
          ? 'boolean'
          : inner instanceof z.ZodArray
            ? 'array'
            : 'other'
    if (inner instanceof z.ZodArray && ('includesAll' in condition || 'includesAny' in condition)) {
      allowed = enumValues(inner.element as z.ZodType)
    }
  }

  const bad = (key: string, value?: unknown) =>
    out.push({
      path: at,
      ...both(`routing.rules.${key}`, { field: at, path, value: JSON.stringify(value ?? null) }),
    })
  const checkValues = (values: readonly unknown[]) => {
    for (const value of values) {
      if (value === null && nullable) continue
      if (allowed && !allowed.includes(value)) bad('badValue', value)
      else if (!allowed && kind === 'boolean' && typeof value !== 'boolean') bad('badValue', value)
      else if (!allowed && kind === 'number' && typeof value !== 'number') bad('badValue', value)
    }
  }
  if ('eq' in condition) checkValues([condition.eq])
  else if ('ne' in condition) checkValues([condition.ne])
  else if ('in' in condition) checkValues(condition.in)
  else if ('includesAll' in condition || 'includesAny' in condition) {
    if (kind !== 'array') bad('notAList')
    else checkValues('includesAll' in condition ? condition.includesAll : condition.includesAny)
  } else if ('gte' in condition || 'lte' in condition) {
    if (kind !== 'number') bad('notANumber')
  } else if ('lengthGte' in condition && kind !== 'array') bad('notAList')
}

/** Checks what the schema cannot: paths, values, ids, precedence, the region's interventions. */
function checkSemantics(rules: RuleSet, interventions: readonly Intervention[]): ValidationError[] {
  const out: ValidationError[] = []
  const missingFromPrecedence = interventions.filter((i) => !rules.precedence.includes(i))
  if (missingFromPrecedence.length > 0 || rules.precedence.length !== interventions.length) {
    out.push({
      path: 'precedence',
      ...both('routing.rules.precedence', { field: 'precedence', options: interventions.join(', ') }),
    })
  }
  // A region pack with fewer interventions: a rule may only name one of the region's own.
  const inRegion = (value: Intervention, at: string) => {
    if (!interventions.includes(value))
      out.push({
        path: at,
        ...both('routing.rules.notInRegion', { field: at, value, options: interventions.join(', ') }),
      })
  }
  if (interventions.length < INTERVENTIONS.length) {
    inRegion(rules.default, 'default')
    for (const [i, o] of rules.overrides.entries()) inRegion(o.intervention, `overrides[${i}].intervention`)
    for (const [i, r] of rules.rules.entries()) inRegion(r.intervention, `rules[${i}].intervention`)
    for (const [i, a] of rules.additions.entries())
      for (const [j, v] of a.add.entries()) inRegion(v, `additions[${i}].add[${j}]`)
  }
  const seen = new Set<string>()
  const unique = (ruleId: string, at: string) => {
    if (seen.has(ruleId))
      out.push({ path: at, ...both('routing.rules.duplicateId', { field: at, id: ruleId }) })
    seen.add(ruleId)
  }
  const field = (name: string, at: string) => {
    if (!intakePathExists(name))
      out.push({ path: at, ...both('routing.rules.unknownPath', { field: at, path: name }) })
  }
  rules.overrides.forEach((o, i) => {
    unique(o.id, `overrides[${i}].id`)
    field(o.field, `overrides[${i}].field`)
    checkCondition(o.when, 'overrides', `overrides[${i}].when`, out)
  })
  rules.rules.forEach((r, i) => {
    unique(r.id, `rules[${i}].id`)
    field(r.field, `rules[${i}].field`)
    checkCondition(r.when, 'rules', `rules[${i}].when`, out)
  })
  for (const [i, a] of rules.additions.entries())
    checkCondition(a.when, 'additions', `additions[${i}].when`, out)
  rules.analysisTriggers.forEach((a, i) => {
    field(a.field, `analysisTriggers[${i}].field`)
    checkCondition(a.when, 'analysisTriggers', `analysisTriggers[${i}].when`, out)
  })
  for (const [i, g] of rules.gates.entries()) checkCondition(g.when, 'gates', `gates[${i}].when`, out)
  return out
}

/**
 * Validates a ruleset (an object, or JSON text) and returns it or field-named bilingual errors,
 * e.g. `rules[3].when.path: unknown field "situation.placment.needed" in the rules`. `interventions`: those
 * of the region the rules are for (a region pack may have fewer than Drenthe's five; default all five).
 */
export function parseRuleSet(
  input: unknown,
  interventions: readonly Intervention[] = INTERVENTIONS,
): ParseResult<RuleSet> {
  let data = input
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input)
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      return { ok: false, errors: [{ path: 'rules', ...both('validation.invalidJson', { detail }) }] }
    }
  }
  const shape = RuleSetSchema.safeParse(data)
  if (!shape.success) return { ok: false, errors: formatIssues(shape.error.issues, 'rules') }
  const errors = checkSemantics(shape.data, interventions)
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: shape.data }
}

/** Parses a ruleset or throws one readable error listing every problem (for configuration at start-up). */
export function loadRuleSet(input: unknown): RuleSet {
  const result = parseRuleSet(input)
  if (result.ok) return result.value
  throw new Error(`Invalid routing rules:\n${result.errors.map((e) => `${e.path}: ${e.en}`).join('\n')}`)
}

/**
 * The default ruleset of the RET Drenthe (templates/routing-rules.json).
 * Validated by tests/unit/templates.test.ts (its schema must accept it unchanged) rather than at every
 * isolate start, which the start-up budget cannot afford (DESIGN.md §5); a region's edit is caught by CI.
 */
export const DEFAULT_RULES: RuleSet = defaultRulesJson as unknown as RuleSet

/** The precedence rank of each intervention in a ruleset (0 = highest). */
export function precedenceRank(rules: RuleSet): Record<Intervention, number> {
  const rank = {} as Record<Intervention, number>
  for (const i of INTERVENTIONS) rank[i] = rules.precedence.indexOf(i)
  return rank
}
