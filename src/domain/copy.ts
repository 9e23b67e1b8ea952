import apiEn from '../../templates/copy/api.en.json'
import apiNl from '../../templates/copy/api.nl.json'
import dialogueEn from '../../templates/copy/dialogue.en.json'
import dialogueNl from '../../templates/copy/dialogue.nl.json'
import digestEn from '../../templates/copy/digest.en.json'
import digestNl from '../../templates/copy/digest.nl.json'
import en from '../../templates/copy/en.json'
import lifecycleEn from '../../templates/copy/lifecycle.en.json'
import lifecycleNl from '../../templates/copy/lifecycle.nl.json'
import monitoringEn from '../../templates/copy/monitoring.en.json'
import monitoringNl from '../../templates/copy/monitoring.nl.json'
import nl from '../../templates/copy/nl.json'
import pdfEn from '../../templates/copy/pdf.en.json'
import pdfNl from '../../templates/copy/pdf.nl.json'
import privacyEn from '../../templates/copy/privacy.en.json'
import privacyNl from '../../templates/copy/privacy.nl.json'
import routingEn from '../../templates/copy/routing.en.json'
import routingNl from '../../templates/copy/routing.nl.json'
import slackEn from '../../templates/copy/slack.en.json'
import slackNl from '../../templates/copy/slack.nl.json'
import teamsEn from '../../templates/copy/teams.en.json'
import teamsNl from '../../templates/copy/teams.nl.json'
import webEn from '../../templates/copy/web.en.json'
import webNl from '../../templates/copy/web.nl.json'
import type { EnumName, Lang } from './enums'

/** A copy table: nested objects of strings. Regions edit templates/copy/*.json, not code. */
export type CopyTree = { [key: string]: string | CopyTree }

/**
 * The copy of each language: the core file (app, enum, validation) plus one file per area, each under
 * its area's name: `t('nl', 'dialogue.steps.child.title')` reads templates/copy/dialogue.nl.json.
 */
export const COPY: Record<Lang, CopyTree> = {
  nl: {
    ...(nl as CopyTree),
    api: apiNl,
    dialogue: dialogueNl,
    digest: digestNl,
    lifecycle: lifecycleNl,
    monitoring: monitoringNl,
    pdf: pdfNl,
    privacy: privacyNl,
    routing: routingNl,
    slack: slackNl,
    teams: teamsNl,
    web: webNl,
  } as CopyTree,
  en: {
    ...(en as CopyTree),
    api: apiEn,
    dialogue: dialogueEn,
    digest: digestEn,
    lifecycle: lifecycleEn,
    monitoring: monitoringEn,
    pdf: pdfEn,
    privacy: privacyEn,
    routing: routingEn,
    slack: slackEn,
    teams: teamsEn,
    web: webEn,
  } as CopyTree,
}

/** A text in both languages, as carried by routing reasons, gates and validation errors. */
export interface Bilingual {
  nl: string
  en: string
}

function lookup(tree: CopyTree, key: string): string | undefined {
  let node: string | CopyTree | undefined = tree
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined
    node = node[part]
  }
  return typeof node === 'string' ? node : undefined
}

/** Interpolates `{name}` placeholders. Unknown placeholders stay as typed, so a missing param is visible. */
export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  )
}

/**
 * The copy overrides of the region pack in force (`useCopyOverrides`): a dotted key → its text, per language.
 * One Worker deployment runs one region, so its isolate keeps one set (src/domain/region.ts `regionOf`).
 */
let overrides: Record<Lang, Readonly<Record<string, string>>> = { nl: {}, en: {} }

/** Puts a region pack's copy overrides in force for every `t` (an empty set: the shared copy as it is). */
export function useCopyOverrides(next: Record<Lang, Readonly<Record<string, string>>>): void {
  overrides = next
}

/** Looks a copy key up in one language (Dutch is the default); a missing key returns the key itself. */
export function t(lang: Lang, key: string, params?: Record<string, string | number>): string {
  const text = overrides[lang][key] ?? lookup(COPY[lang], key) ?? overrides.nl[key] ?? lookup(COPY.nl, key)
  return text === undefined ? key : interpolate(text, params)
}

/** Both languages of one copy key. */
export function both(key: string, params?: Record<string, string | number>): Bilingual {
  return { nl: t('nl', key, params), en: t('en', key, params) }
}

/** Whether a key exists in a language (used by completeness tests and the dialogue script check). */
export function hasCopy(lang: Lang, key: string): boolean {
  return overrides[lang][key] !== undefined || lookup(COPY[lang], key) !== undefined
}

/** The label of an enum value, e.g. `label('nl', 'referrerRole', 'gi')`. */
export function label(lang: Lang, name: EnumName, value: string): string {
  const key = `enum.${name}.${value}`
  // A municipality of another region's pack (no copy of its own) is shown by its name.
  if (name === 'municipality' && !hasCopy(lang, key) && !hasCopy('nl', key)) return value
  return t(lang, key)
}

/** All leaf keys of a copy tree, dotted. */
export function copyKeys(tree: CopyTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : copyKeys(v, `${prefix}${k}.`),
  )
}

/**
 * An intervention as every surface shows it: its one name and its code, "Regie op plaatsing (ROP)". The English
 * name carries the Dutch name where it helps ("Placement direction (Regie op plaatsing)"), so the code joins
 * that: "Placement direction (Regie op plaatsing, ROP)". A name that is its own code (MDA++) is shown once.
 */
export function interventionName(lang: Lang, code: string): string {
  const own = label(lang, 'intervention', code)
  if (own === code) return own
  return own.endsWith(')') ? `${own.slice(0, -1)}, ${code})` : `${own} (${code})`
}
