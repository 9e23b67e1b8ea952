import { ackBenches, methodComparison } from './acks'
import type { BoltPeer } from './bolt'
import { consoleBenches } from './console'
import { send } from './http'
import { type Figure, round, stats } from './lib'
import { loadBench } from './load'
import { pdfBenches } from './pdf'
import { pdfPeerBenches } from './pdf-peer'
import type { Platforms } from './platforms'
import type { Harness } from './workerd'

/**
 * The served surfaces on one warm workerd: the interleaved acks (floor, Slack beside Bolt on Node, Teams;
 * bench/acks.ts), `/healthz`, the change of method once, the intake PDF, and the 200-dialogue load.
 */
export async function surfaceBenches(
  harness: Harness,
  bolt: BoltPeer,
  bindings: Record<string, string>,
  platforms: Platforms,
): Promise<Figure[]> {
  const secret = bindings.SLACK_SIGNING_SECRET ?? ''
  const out: Figure[] = []
  const acks = await ackBenches(harness, bolt, platforms, secret)
  out.push(...acks.figures)
  const health: number[] = []
  for (let i = 0; i < 250; i++) {
    const t0 = performance.now()
    await send(`${harness.retOrigin}/healthz`)
    if (i >= 50) health.push(performance.now() - t0)
  }
  const h = stats(health)
  out.push({
    id: 'ret.healthz',
    what: 'Our Worker: GET /healthz (middleware + router), workerd socket',
    unit: 'ms',
    ...h,
    budget: '—',
    note: `${round(h.median / acks.floor.median, 2)}× floor p50`,
  })
  out.push(...(await methodComparison(harness, secret, Number(process.env.BENCH_METHOD_N ?? 150))))
  out.push(...(await pdfBenches()), ...(await pdfPeerBenches()))
  out.push(...(await loadBench(harness, platforms, bindings.ENCRYPTION_KEYS ?? '')))
  out.push(...(await consoleBenches(harness)))
  return out
}
