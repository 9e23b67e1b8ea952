import type { JobContext } from './handlers'

/**
 * The chairs' case card (src/ports/case-channel.ts): posted when a case is submitted, redrawn in place on
 * every change, and a spoedmelding alerts the channel. Every run converges on the case as it is now.
 */
export async function handleCardSync(job: { reference: string }, { ports }: JobContext): Promise<void> {
  await ports.channel.syncCard(job.reference)
}

export async function handleAcuteAlert(job: { reference: string }, { ports }: JobContext): Promise<void> {
  await ports.channel.alertAcute(job.reference)
}
