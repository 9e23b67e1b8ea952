import { z } from 'zod'
import drentheJson from '../../templates/regions/drenthe/pack.json'
import ijssellandJson from '../../templates/regions/ijsselland/pack.json'
import ijssellandRulesJson from '../../templates/regions/ijsselland/routing-rules.json'
import defaultRulesJson from '../../templates/routing-rules.json'
import { COPY, type CopyTree, useCopyOverrides } from './copy'
import { INTERVENTIONS, type Intervention, MUNICIPALITIES } from './enums'
import { type Intake, intakeSchemaIn, type ParseResult, parseIntakeIn } from './intake'
import { parseRuleSet, type RuleSet } from './rules'
import { DEFAULT_SCRIPT, type IntakeScript } from './script'
import {
  CaseSummariesSchema,
  type CaseSummary,
  CaseSummarySchema,
  DEFAULT_STALLED_RULES,
  STALLED_RULE_IDS,
  type StalledRules,
  StalledRulesSchema,
} from './stalled'

/**
 * Region packs (issue 16): one folder per youth-care region under templates/regions/<id>/ with its name,
 * municipalities, interventions, tie-break order, routing rules, stalled-case limits, copy overrides,
 * crisis numbers and holiday options. Drenthe is the default and is exactly the shared templates.
 *
 * An intervention code must be one the engine knows (`INTERVENTIONS`): a pack chooses which of them it
 * offers, under its own names and descriptions, in its own tie-break order. A new kind of intervention
 * needs a code in src/domain/enums.ts first.
 */

const text = z.string().trim().min(1).max(500)
const bilingual = z.strictObject({ nl: text, en: text })
/** Same placeholders `{name}` in an override as in the text it replaces. */
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

export const RegionPackSchema = z
  .strictObject({
    $comment: z.string().optional(),
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
    name: bilingual,
    municipalities: z.array(z.string().trim().min(2).max(60)).min(1).max(100),
    interventions: z
      .array(
        z.strictObject({
          code: z.enum(INTERVENTIONS),
          nl: text,
          en: text,
          description: bilingual,
        }),
      )
      .min(1),
    /** Ties between equal scores: first wins. Every intervention of the pack exactly once. */
    tieBreak: z.array(z.enum(INTERVENTIONS)).min(1),
    /** The routing rules file, relative to the pack folder. */
    routingRules: z.string().regex(/^[\w./-]+\.json$/),
    /** Working-day limits that differ from templates/stalled-rules.json, by rule id. */
    stalledLimits: z.partialRecord(z.enum(STALLED_RULE_IDS), z.int().min(1).max(100)),
    /** The optional Dutch days off the working-day calendar counts (templates/stalled-rules.json `calendar`). */
    holidays: z.strictObject({ goodFriday: z.boolean(), liberationDay: z.boolean() }),
    crisisNumbers: z
      .array(z.strictObject({ name: bilingual, phone: z.string().regex(/^[0-9][0-9 -]{1,18}$/) }))
      .min(1),
    /**
     * The regional youth crisis service's number, shown with 112 and Veilig Thuis on the acute-danger notice
     * and an urgent receipt. The Worker's `YOUTH_CRISIS_PHONE` overrides it; neither: "your own crisis procedure".
     */
    youthCrisisPhone: z
      .string()
      .regex(/^\+?[0-9][0-9 -]{1,18}[0-9]$/)
      .optional(),
    /** Copy overrides per language: a dotted copy key → its text (the key must exist, same placeholders). */
    copy: z.strictObject({
      nl: z.record(z.string(), z.string().min(1).max(2000)),
      en: z.record(z.string(), z.string().min(1).max(2000)),
    }),
  })
  .superRefine((pack, ctx) => {
    const codes = pack.interventions.map((i) => i.code)
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message })
    if (new Set(codes).size !== codes.length) issue(['interventions'], 'an intervention code occurs twice')
    if (new Set(pack.municipalities).size !== pack.municipalities.length)
      issue(['municipalities'], 'a municipality occurs twice')
    if (pack.tieBreak.length !== codes.length || codes.some((c) => !pack.tieBreak.includes(c)))
      issue(['tieBreak'], `name every intervention of the pack exactly once (${codes.join(', ')})`)
    for (const lang of ['nl', 'en'] as const) {
      for (const [key, value] of Object.entries(pack.copy[lang])) {
        const base = copyAt(COPY[lang], key)
        if (typeof base !== 'string') issue(['copy', lang, key], 'not a copy key')
        else if (placeholders(base).join() !== placeholders(value).join())
          issue(
            ['copy', lang, key],
            `keep the placeholders of the original (${placeholders(base).join(', ')})`,
          )
      }
    }
  })

export type RegionPack = z.output<typeof RegionPackSchema>

function copyAt(tree: CopyTree, key: string): string | CopyTree | undefined {
  let node: string | CopyTree | undefined = tree
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined
  return node
}

/** A region ready to use: its pack, its validated routing rules and stalled rules, its intake script. */
export interface Region {
  pack: RegionPack
  rules: RuleSet
  stalled: StalledRules
  /** The pack's interventions, in the pack's order: what routing suggests, cards offer and filters list. */
  interventions: readonly Intervention[]
  /** The municipalities of the pack (the intake, chair scopes, filters, digest and monitoring). */
  municipalities: readonly string[]
  /** The intake script with the pack's municipalities as the choices (the shared script for Drenthe). */
  script: IntakeScript
  /**
   * The copy the pack puts in force: its interventions' names (`enum.intervention.<code>`, the pack is the
   * authority on them), then its copy overrides on top.
   */
  copy: Record<'nl' | 'en', Record<string, string>>
}

/** Every pack in the repository, with the JSON of its routing rules (static imports: the Worker bundles them). */
const SOURCES: Record<string, { pack: unknown; rules: unknown }> = {
  drenthe: { pack: drentheJson, rules: defaultRulesJson },
  ijsselland: { pack: ijssellandJson, rules: ijssellandRulesJson },
}

export const REGION_IDS = Object.keys(SOURCES)
export const DEFAULT_REGION = 'drenthe'

/** Validates a pack and its rules; one readable error listing every problem. */
export function buildRegion(packJson: unknown, rulesJson: unknown): ParseResult<Region> {
  const pack = RegionPackSchema.safeParse(packJson)
  if (!pack.success) {
    return {
      ok: false,
      errors: pack.error.issues.map((i) => {
        const path = i.path.join('.') || 'pack'
        return { path, nl: `${path}: ${i.message}`, en: `${path}: ${i.message}` }
      }),
    }
  }
  const interventions = pack.data.interventions.map((i) => i.code)
  const rules = parseRuleSet(rulesJson, interventions)
  if (!rules.ok) return rules
  if (rules.value.precedence.join() !== pack.data.tieBreak.join()) {
    const message = `tieBreak: the routing rules' precedence (${rules.value.precedence.join(', ')}) differs`
    return { ok: false, errors: [{ path: 'tieBreak', nl: message, en: message }] }
  }
  const base = DEFAULT_STALLED_RULES
  const stalled = StalledRulesSchema.parse({
    ...base,
    calendar: pack.data.holidays,
    rules: Object.fromEntries(
      STALLED_RULE_IDS.map((id) => [
        id,
        { ...base.rules[id], limit: pack.data.stalledLimits[id] ?? base.rules[id].limit },
      ]),
    ),
  })
  const municipalities = pack.data.municipalities
  return {
    ok: true,
    value: {
      pack: pack.data,
      rules: rules.value,
      stalled,
      interventions,
      municipalities,
      script: scriptIn(municipalities),
      copy: copyOf(pack.data),
    },
  }
}

/** The pack's copy: the names of its interventions, then its own overrides. */
function copyOf(pack: RegionPack): Region['copy'] {
  const names = (lang: 'nl' | 'en') =>
    Object.fromEntries(pack.interventions.map((i) => [`enum.intervention.${i.code}`, i[lang]]))
  return { nl: { ...names('nl'), ...pack.copy.nl }, en: { ...names('en'), ...pack.copy.en } }
}

/** The shared intake script with `municipalities` as the choice of every municipality field. */
function scriptIn(municipalities: readonly string[]): IntakeScript {
  if (municipalities.join('|') === MUNICIPALITIES.join('|')) return DEFAULT_SCRIPT
  const options = [...municipalities]
  return {
    ...DEFAULT_SCRIPT,
    municipalities: options,
    steps: DEFAULT_SCRIPT.steps.map((step) => ({
      ...step,
      fields: step.fields.map((field) => (field.enum === 'municipality' ? { ...field, options } : field)),
    })),
  }
}

const loaded = new Map<string, Region>()

/** The region of a pack id (validated once per process); throws a readable error for an unknown or bad pack. */
export function loadRegion(id: string): Region {
  const cached = loaded.get(id)
  if (cached) return cached
  const source = SOURCES[id]
  if (!source) throw new Error(`Unknown region "${id}" (known: ${REGION_IDS.join(', ')})`)
  const result = buildRegion(source.pack, source.rules)
  if (!result.ok)
    throw new Error(`Region pack ${id} is invalid:\n${result.errors.map((e) => e.en).join('\n')}`)
  loaded.set(id, result.value)
  return result.value
}

/** Whether a pack's municipalities are Drenthe's: then the canonical intake schema is used as it is. */
function isDefaultMunicipalities(pack: RegionPack): boolean {
  return pack.municipalities.join('|') === MUNICIPALITIES.join('|')
}

/**
 * The intake schema of a region: the canonical one, with the region's municipalities. For Drenthe it is
 * `IntakeSchema` itself (src/domain/intake.ts `intakeSchemaIn`).
 */
export function intakeSchemaFor(pack: RegionPack): z.ZodType<Intake> {
  return intakeSchemaIn(pack.municipalities)
}

/** Validates an intake for a region (municipality from the region's list). */
export function parseIntakeForRegion(input: unknown, pack: RegionPack): ParseResult<Intake> {
  return parseIntakeIn(input, pack.municipalities)
}

const summarySchemas = new WeakMap<Region, z.ZodType<CaseSummary[]>>()

/** The case-summary list schema of a region (`ret digest --region`): its municipalities and interventions. */
export function caseSummariesSchemaFor(region: Region): z.ZodType<CaseSummary[]> {
  if (isDefaultMunicipalities(region.pack) && region.interventions.length === INTERVENTIONS.length)
    return CaseSummariesSchema
  const known = summarySchemas.get(region)
  if (known) return known
  const base = CaseSummarySchema as unknown as z.ZodObject<z.ZodRawShape>
  const summary = base.safeExtend({
    municipality: z.enum(region.pack.municipalities as [string, ...string[]]),
    intervention: z.enum(region.interventions as [Intervention, ...Intervention[]]).nullable(),
  })
  const schema = z.array(summary).max(100_000) as unknown as z.ZodType<CaseSummary[]>
  summarySchemas.set(region, schema)
  return schema
}

/**
 * The region of a Worker deployment (its `REGION` setting; default Drenthe): the one place the Worker resolves
 * its region pack, for every request, job and Durable Object. The pack is validated once per isolate; its copy
 * overrides (the service's and interventions' names) are put in force for the isolate, which runs this one
 * region only. An unknown id throws (config.ts refuses it first, with the list of known packs).
 */
export function regionOf(config: { REGION?: string | undefined }): Region {
  const region = loadRegion(config.REGION ?? DEFAULT_REGION)
  useCopyOverrides(region.copy)
  return region
}

/** The youth crisis number in force: the Worker's `YOUTH_CRISIS_PHONE`, else the pack's, else none (''). */
export function youthCrisisPhoneOf(configured: string, pack: RegionPack): string {
  return configured || pack.youthCrisisPhone || ''
}
