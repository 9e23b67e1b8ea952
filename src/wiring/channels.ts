import type { CaseChannel } from '../ports/case-channel'

/**
 * Every configured channel as one: each case card goes to each of them. All are attempted; the first
 * failure is rethrown after the others ran (each channel converges on its own, so a retry is safe).
 */
export function combineCaseChannels(channels: CaseChannel[]): CaseChannel {
  async function each<T>(run: (c: CaseChannel) => Promise<T>): Promise<T[]> {
    const results = await Promise.allSettled(channels.map(run))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
    return results.map((r) => (r as PromiseFulfilledResult<T>).value)
  }
  return {
    syncCard: async (reference) => {
      await each((c) => c.syncCard(reference))
    },
    alertAcute: async (reference) => {
      await each((c) => c.alertAcute(reference))
    },
    eraseCard: async (reference) =>
      (await each((c) => c.eraseCard(reference))).includes('replaced') ? 'replaced' : 'none',
  }
}
