import type { Figure } from './lib'
import type { Harness } from './workerd'

/** Slack/Teams ack latency, PDF in workerd and the 200-dialogue load: filled in as the surfaces land. */
export async function surfaceBenches(
  _harness: Harness,
  _floor: { median: number; p99: number },
  _bindings: Record<string, string>,
): Promise<Figure[]> {
  return []
}
