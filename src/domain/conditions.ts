import { z } from 'zod'

/**
 * A small condition language for rules kept as data (routing rules, intake-script step conditions,
 * stalled rules). A condition tests values at dotted paths of a context object, e.g. the intake plus
 * derived values such as `$age`:
 *
 *   { "path": "situation.placement.needed", "eq": true }
 *   { "all": [ { "path": "situation.safety.signals", "nonEmpty": true }, { "path": "$age", "gte": 17 } ] }
 *
 * Operators: eq, ne, in, gte, lte, nonEmpty, lengthGte, includesAll, includesAny, notNull; and all/any/not.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | ({ path: string } & LeafTest)

type Scalar = string | number | boolean | null

export type LeafTest =
  | { eq: Scalar }
  | { ne: Scalar }
  | { in: Scalar[] }
  | { gte: number }
  | { lte: number }
  | { nonEmpty: true }
  | { lengthGte: number }
  | { includesAll: string[] }
  | { includesAny: string[] }
  | { notNull: true }

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const path = z.string().min(1)

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
    z.strictObject({ path, eq: scalar }),
    z.strictObject({ path, ne: scalar }),
    z.strictObject({ path, in: z.array(scalar).min(1) }),
    z.strictObject({ path, gte: z.number() }),
    z.strictObject({ path, lte: z.number() }),
    z.strictObject({ path, nonEmpty: z.literal(true) }),
    z.strictObject({ path, lengthGte: z.int().min(0) }),
    z.strictObject({ path, includesAll: z.array(z.string()).min(1) }),
    z.strictObject({ path, includesAny: z.array(z.string()).min(1) }),
    z.strictObject({ path, notNull: z.literal(true) }),
  ]),
)

/** Reads a dotted path (`a.b.c`) from a context; anything missing is `undefined`. */
export function getPath(context: unknown, dotted: string): unknown {
  let node: unknown = context
  for (const part of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** Evaluates a condition against a context. Missing values never satisfy a test (except `ne` and `not`). */
export function evaluate(condition: Condition, context: unknown): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, context))
  if ('any' in condition) return condition.any.some((c) => evaluate(c, context))
  if ('not' in condition) return !evaluate(condition.not, context)
  const value = getPath(context, condition.path)
  if ('eq' in condition) return value === condition.eq
  if ('ne' in condition) return value !== condition.ne
  if ('in' in condition) return condition.in.includes(value as Scalar)
  if ('gte' in condition) return typeof value === 'number' && value >= condition.gte
  if ('lte' in condition) return typeof value === 'number' && value <= condition.lte
  if ('nonEmpty' in condition)
    return Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value !== ''
  if ('lengthGte' in condition) return Array.isArray(value) && value.length >= condition.lengthGte
  if ('includesAll' in condition)
    return Array.isArray(value) && condition.includesAll.every((v) => value.includes(v))
  if ('includesAny' in condition)
    return Array.isArray(value) && condition.includesAny.some((v) => value.includes(v))
  return value !== null && value !== undefined
}

/** Every path a condition reads (to check a rules file against the intake schema). */
export function pathsOf(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(pathsOf)
  if ('any' in condition) return condition.any.flatMap(pathsOf)
  if ('not' in condition) return pathsOf(condition.not)
  return [condition.path]
}
