import { evaluate, getPath } from './conditions'
import type { Bilingual } from './copy'
import { GATES, type Gate, INTERVENTIONS, type Intervention } from './enums'
import { ageOf, type Intake } from './intake'
import type { RuleSet } from './rules'
import type { GateHit, RoutingDecision, RoutingReason } from './types'

/**
 * Routing (DOMAIN.md §2–3): a pure function of the intake, a ruleset (data) and the time.
 * score = sum of the weights of the fired rules; the highest score wins, ties by precedence; with no
 * positive score the ruleset's default; an override (anonymous consultation) decides the primary
 * outright. The chair always decides; this only suggests.
 */

/**
 * The public routing output (DOMAIN.md §4): the shape of `ret route` and `POST /api/v1/route`. Every reason
 * names the intervention it scored for and its weight (0 for an override, which decides the primary
 * outright); `scores` holds every intervention with the sum of the weights of its fired rules.
 */
export interface RoutingOutput {
  primary: Intervention
  alternatives: Intervention[]
  reasons: {
    rule: string
    field: string
    intervention: Intervention
    weight: number
    nl: string
    en: string
  }[]
  gates: { gate: Gate; nl: string; en: string }[]
  missing: string[]
  scores: Record<Intervention, number>
}

/** The reasons of one intervention, for a review or a report that explains the suggestion. */
export interface ReasonGroup {
  intervention: Intervention
  score: number
  reasons: RoutingReason[]
}

/**
 * The reasons grouped under the intervention they scored for: the primary first, then the alternatives,
 * then any other intervention a rule scored for (highest score first). Interventions without a reason
 * are left out.
 */
export function reasonGroups(
  decision: Pick<RoutingDecision, 'primary' | 'alternatives' | 'reasons' | 'scores'>,
): ReasonGroup[] {
  const order: Intervention[] = [decision.primary, ...decision.alternatives]
  const rest = INTERVENTIONS.filter((i) => !order.includes(i)).sort(
    (a, b) => (decision.scores[b] ?? 0) - (decision.scores[a] ?? 0),
  )
  return [...order, ...rest]
    .map((intervention) => ({
      intervention,
      score: decision.scores[intervention] ?? 0,
      reasons: decision.reasons.filter((r) => r.intervention === intervention),
    }))
    .filter((g) => g.reasons.length > 0)
}

type Context = Intake & { $age: number; $primary?: Intervention; $analysisRequired?: boolean }

const PLACEHOLDER = /\{([$\w.]+)\}/g

/** Fills `{path}` placeholders with scalar values from the context (numbers, enum values, $age). */
function fill(text: string, context: Context): string {
  if (!text.includes('{')) return text
  return text.replace(PLACEHOLDER, (whole, path: string) => {
    const value = getPath(context, path)
    return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
      ? String(value)
      : whole
  })
}

function bilingual(source: Bilingual, context: Context): Bilingual {
  return { nl: fill(source.nl, context), en: fill(source.en, context) }
}

function buildContext(intake: Intake, now: Date): Context {
  return { ...intake, $age: ageOf(intake.child.birthYear, now) }
}

/** Whether the intake needs a shared explanatory analysis (one of the ruleset's G5 triggers holds). */
export function analysisRequired(intake: Intake, rules: RuleSet, now: Date): boolean {
  return isAnalysisRequired(buildContext(intake, now), rules)
}

function isAnalysisRequired(context: Context, rules: RuleSet): boolean {
  return rules.analysisTriggers.some((trigger) => evaluate(trigger.when, context))
}

/** Routes one validated intake. `now` gives the age (calendar year of now − birth year). */
export function route(intake: Intake, rules: RuleSet, now: Date): RoutingDecision {
  const context = buildContext(intake, now)
  const scores: Record<Intervention, number> = { EXPERTTAFEL: 0, RO3: 0, ROP: 0, 'MDA++': 0, RST: 0 }
  const reasons: RoutingReason[] = []

  for (const rule of rules.rules) {
    if (!evaluate(rule.when, context)) continue
    scores[rule.intervention] += rule.weight
    reasons.push({
      rule: rule.id,
      field: rule.field,
      intervention: rule.intervention,
      weight: rule.weight,
      ...bilingual(rule, context),
    })
  }

  const rank = (i: Intervention) => rules.precedence.indexOf(i)
  const byScore = (a: Intervention, b: Intervention) => scores[b] - scores[a] || rank(a) - rank(b)
  const scored = INTERVENTIONS.filter((i) => scores[i] > 0).sort(byScore)

  let primary: Intervention = scored[0] ?? rules.default
  const override = rules.overrides.find((o) => evaluate(o.when, context))
  if (override) {
    primary = override.intervention
    reasons.push({
      rule: override.id,
      field: override.field,
      intervention: override.intervention,
      weight: 0,
      ...bilingual(override, context),
    })
  }

  const alternatives = scored.filter((i) => i !== primary)
  context.$primary = primary
  for (const addition of rules.additions) {
    if (!evaluate(addition.when, context)) continue
    for (const i of addition.add) if (i !== primary && !alternatives.includes(i)) alternatives.push(i)
  }

  context.$analysisRequired = isAnalysisRequired(context, rules)
  const gates: GateHit[] = []
  const missing: string[] = []
  for (const gate of GATES) {
    const hit = rules.gates.find((g) => g.gate === gate && evaluate(g.when, context))
    if (!hit) continue
    gates.push({ gate, ...bilingual(hit, context) })
    for (const item of hit.missing ?? []) if (!missing.includes(item)) missing.push(item)
  }

  return { primary, alternatives, reasons, gates, missing, scores }
}

/**
 * The public shape of a decision (DOMAIN.md §4), with the score of every intervention of the region
 * (`interventions`: a region pack's; default all five of Drenthe).
 */
export function toRoutingOutput(
  decision: RoutingDecision,
  interventions: readonly Intervention[] = INTERVENTIONS,
): RoutingOutput {
  const scores = Object.fromEntries(interventions.map((i) => [i, decision.scores?.[i] ?? 0])) as Record<
    Intervention,
    number
  >
  return {
    primary: decision.primary,
    alternatives: [...decision.alternatives],
    reasons: decision.reasons.map((r) => ({
      rule: r.rule,
      field: r.field,
      intervention: r.intervention,
      weight: r.weight,
      nl: r.nl,
      en: r.en,
    })),
    gates: decision.gates.map((g) => ({ gate: g.gate, nl: g.nl, en: g.en })),
    missing: [...decision.missing],
    scores,
  }
}
