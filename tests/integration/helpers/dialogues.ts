import { buttons, type TeamsUser } from '../teams-helpers'
import type { WebClient } from '../web-client'
import { answersFor } from './answers'

export { answersFor, initialFor, markerOf } from './answers'

/** Wall-clock milliseconds of each step, per dialogue. */
export type StepTimes = number[]

async function timed<T>(times: StepTimes, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  const out = await work()
  times.push(performance.now() - t0)
  return out
}

/** One web intake from sign-in to the reference, step by step; returns the reference shown. */
export async function runWebDialogue(b: WebClient, i: number, times: StepTimes): Promise<string> {
  const answers = answersFor(i)
  await timed(times, () => b.login(`Load Web ${i}`))
  await timed(times, () => b.post('/intake/start', {}))
  for (let guard = 0; guard < 25; guard++) {
    const stepId = b.stepId()
    if (stepId === 'review') break
    const values = answers[stepId]
    if (!values) throw new Error(`web ${i}: no answers for step "${stepId}" (status ${b.status})`)
    await timed(times, () => b.post('/intake', { _step: stepId, _action: 'next', ...values }))
    if (b.status !== 200) throw new Error(`web ${i}: step ${stepId} answered ${b.status}`)
    if (b.stepId() === stepId) throw new Error(`web ${i}: step ${stepId} did not advance`)
  }
  await timed(times, () => b.post('/intake', { _step: 'review', _action: 'submit' }))
  const reference = b.html.match(/RET-\d{4}-\d{4,}/)?.[0]
  if (!reference) throw new Error(`web ${i}: no reference after submit (status ${b.status})`)
  return reference
}

/** One Teams intake from "nieuwe casus" to the reference on the submitted card. */
export async function runTeamsDialogue(user: TeamsUser, i: number, times: StepTimes): Promise<string> {
  const answers = answersFor(i)
  await timed(times, () => user.say('nieuwe casus'))
  for (let guard = 0; guard < 25; guard++) {
    if (user.card && buttons(user.card).some((b) => b.data?.action === 'submit')) break
    const stepId = user.stepId()
    if (!stepId) throw new Error(`teams ${i}: no step card`)
    const values = answers[stepId]
    if (!values) throw new Error(`teams ${i}: no answers for step "${stepId}"`)
    await timed(times, () => user.press('next', values))
    if (user.lastStatus !== 200) throw new Error(`teams ${i}: step ${stepId} answered ${user.lastStatus}`)
    if (user.stepId() === stepId) throw new Error(`teams ${i}: step ${stepId} did not advance`)
  }
  await timed(times, () => user.press('submit'))
  const reference = JSON.stringify(user.card).match(/RET-\d{4}-\d{4,}/)?.[0]
  if (!reference) throw new Error(`teams ${i}: no reference after submit`)
  return reference
}

/** The p-th percentile (nearest rank) of some samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN
}
