import type { Figure } from './lib'
import { pdfBenches } from './pdf'
import { slackAckBenches } from './slack'
import type { Harness } from './workerd'

/** Slack/Teams ack latency, PDF in workerd and the 200-dialogue load: filled in as the surfaces land. */
export async function surfaceBenches(
  harness: Harness,
  floor: { median: number; p99: number },
  bindings: Record<string, string>,
): Promise<Figure[]> {
  return [...(await slackAckBenches(harness, floor, bindings)), ...(await pdfBenches())]
}
