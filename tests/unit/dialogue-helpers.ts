import { expect } from 'vitest'
import { getPath } from '../../src/domain/conditions'
import { newDraft, step, view } from '../../src/domain/dialogue'
import type { DialogueEvent, DraftState, StepResult } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { DEFAULT_SCRIPT, type ScriptStep } from '../../src/domain/script'

/** Shared helpers for the dialogue tests: drive a draft with form values taken from a sample intake. */
export const NOW = new Date('2026-11-23T10:00:00Z')
export const script = DEFAULT_SCRIPT

/** The form values a surface would post for one step, read from a canonical intake. */
export function formValuesFor(stepDef: ScriptStep, intake: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const field of stepDef.fields) {
    const value = getPath(intake, field.path)
    if (field.kind === 'list') {
      ;((value as Record<string, unknown>[]) ?? []).forEach((row, i) => {
        for (const item of field.items ?? []) {
          const v = row[item.path]
          values[`${field.path}[${i}].${item.path}`] = v === null || v === undefined ? '' : String(v)
        }
      })
    } else if (Array.isArray(value)) values[field.path] = value.map(String)
    else values[field.path] = value === null || value === undefined ? '' : String(value)
  }
  return values
}

export function stepDef(id: string): ScriptStep {
  const found = script.steps.find((s) => s.id === id)
  if (!found) throw new Error(`no step ${id}`)
  return found
}

/** Applies events in order and returns the last result. */
export function run(state: DraftState, ...events: DialogueEvent[]): StepResult {
  let result: StepResult = { state, effects: [], errors: [] }
  for (const event of events) {
    result = step(result.state, event, script, NOW)
    if (result.errors.length > 0) return result
  }
  return result
}

/** Answers the current step from the intake until the draft leaves phase 'step' (or `until` is reached). */
export function answerFrom(
  state: DraftState,
  intake: Record<string, unknown>,
  until?: (s: DraftState) => boolean,
): DraftState {
  let current = state
  for (let guard = 0; guard < 30 && current.phase === 'step' && !until?.(current); guard++) {
    const result = step(
      current,
      { type: 'answer', stepId: current.stepId, values: formValuesFor(stepDef(current.stepId), intake) },
      script,
      NOW,
    )
    if (result.errors.length > 0)
      throw new Error(`${current.stepId}: ${result.errors.map((e) => e.en).join('; ')}`)
    current = result.state
  }
  return current
}

export function draft(lang: Lang = 'nl'): DraftState {
  return newDraft('draft-1', lang, NOW)
}

export function screen(state: DraftState) {
  return view(state, script, NOW)
}

/**
 * A refused answer changes nothing but the step's pending input (kept for a reload, issue 13 §7): same
 * version, answers, phase and step.
 */
export function expectRefused(after: DraftState, before: DraftState): void {
  expect({ ...after, pending: null, updatedAt: before.updatedAt }).toEqual({ ...before, pending: null })
  expect(after.version).toBe(before.version)
}
