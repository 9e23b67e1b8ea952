import { env } from 'cloudflare:test'

/** The application's tables (migrations), read once per test file. */
let tables: string[] | null = null

async function tableNames(): Promise<string[]> {
  if (tables) return tables
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
  ).all<{ name: string }>()
  tables = results.map((r) => r.name)
  return tables
}

/** Request bookkeeping, not state: a refused request is still counted against its sender's rate limit. */
const BOOKKEEPING = new Set(['rate_limits'])

/**
 * Row count of every table but the rate-limit counters, in one query: compare two snapshots to prove a
 * request changed nothing.
 */
export async function rowCounts(): Promise<Record<string, number>> {
  const names = (await tableNames()).filter((n) => !BOOKKEEPING.has(n))
  if (names.length === 0) return {}
  // One row of scalar subqueries (D1 limits compound SELECTs to a few terms).
  const sql = `SELECT ${names.map((n) => `(SELECT COUNT(*) FROM "${n}") AS "${n}"`).join(', ')}`
  return (await env.DB.prepare(sql).first<Record<string, number>>()) ?? {}
}

/** One count query. */
export async function count(sql: string, ...bind: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...bind)
    .first<{ n: number }>()
  return row?.n ?? 0
}
