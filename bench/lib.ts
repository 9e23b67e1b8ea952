import { readFileSync } from 'node:fs'

/** One benchmark figure beside its budget. Times in milliseconds unless `unit` says otherwise. */
export interface Figure {
  id: string
  what: string
  unit: 'ms' | 'KiB' | 'ratio' | 'count'
  median?: number
  p95?: number
  p99?: number
  value?: number
  budget: string
  /** Whether the budget holds; undefined when the budget is a ratio checked elsewhere. */
  ok?: boolean
  note?: string
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]!
}

export function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    n: sorted.length,
  }
}

/** Times a synchronous function: `warmup` unmeasured calls, then `n` measured ones. */
export function timeSync(fn: () => unknown, n: number, warmup = Math.min(200, n)): number[] {
  for (let i = 0; i < warmup; i++) fn()
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    fn()
    out.push(performance.now() - t0)
  }
  return out
}

/** Times an async function sequentially. */
export async function timeAsync(
  fn: () => Promise<unknown>,
  n: number,
  warmup = Math.min(50, n),
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn()
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn()
    out.push(performance.now() - t0)
  }
  return out
}

/** User+system CPU time of a process in ms, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks * 1000) / 100
  } catch {
    return undefined
  }
}

export const round = (v: number | undefined, digits = 3) =>
  v === undefined || Number.isNaN(v) ? undefined : Math.round(v * 10 ** digits) / 10 ** digits
