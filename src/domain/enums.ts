/**
 * Every enumeration of the intake (DOMAIN.md §4), exact values. Labels live in templates/copy/{nl,en}.json
 * under `enum.<name>.<value>`; a unit test checks that every value has a label in both languages.
 */
export const LANGUAGES = ['nl', 'en'] as const
export const INTERVENTIONS = ['EXPERTTAFEL', 'RO3', 'ROP', 'MDA++', 'RST'] as const
export const REFERRER_ROLES = [
  'lokaal_team',
  'gi',
  'jeugdarts',
  'medisch_specialist',
  'aanbieder',
  'veilig_thuis',
  'onderwijs',
  'huisarts',
] as const
export const MUNICIPALITIES = [
  'Aa en Hunze',
  'Assen',
  'Borger-Odoorn',
  'Coevorden',
  'Emmen',
  'Hoogeveen',
  'Meppel',
  'Midden-Drenthe',
  'Noordenveld',
  'Tynaarlo',
  'Westerveld',
  'De Wolden',
] as const
export const LEGAL_FRAMEWORKS = [
  'vrijwillig',
  'ots',
  'voogdij',
  'jeugdreclassering',
  'machtiging_uhp',
  'gesloten',
] as const
export const AUTHORITIES = ['beide_ouders', 'een_ouder', 'voogd', 'gi'] as const
export const LIVING = [
  'eigen_gezin',
  'netwerkpleeggezin',
  'pleeggezin',
  'pleeggezin_plus',
  'gezinshuis',
  'residentieel',
  'gesloten',
  'zwerfjongere',
] as const
export const PROBLEM_DOMAINS = [
  'ggz',
  'lvb',
  'autisme',
  'verslaving',
  'gedrag',
  'trauma',
  'schulden',
  'huisvesting',
  'justitie',
  'ouder_problematiek',
  'onderwijs',
] as const
export const SAFETY_SIGNALS = [
  'huiselijk_geweld',
  'kindermishandeling',
  'seksueel_geweld',
  'eergerelateerd_geweld',
] as const
export const VEILIG_THUIS = ['geen', 'advies', 'melding'] as const
/** The five steps of the Dutch reporting code (meldcode huiselijk geweld en kindermishandeling). */
export const MELDCODE_STEPS = [
  'stap1_signalen',
  'stap2_collegiale_consultatie',
  'stap3_gesprek',
  'stap4_wegen',
  'stap5_beslissen',
] as const
export const MISSING_EXPERTISE = ['ggz_lvb', 'ernstig_gedrag', 'autisme', 'anders'] as const
export const HISTORY_RESULTS = ['loopt', 'afgerond', 'gestopt'] as const
export const SCHOOL_TYPES = ['po', 'so', 'vo', 'vso', 'mbo', 'geen'] as const
export const ATTENDANCE = ['regulier', 'verzuim', 'thuiszitter', 'geen_school'] as const
export const URGENCIES = ['acuut', 'spoed', 'regulier'] as const
export const GATES = ['G1', 'G2', 'G3', 'G4', 'G5'] as const

/** Named enumerations, for label look-ups (`enum.<name>.<value>`) and for the dialogue script. */
export const ENUMS = {
  language: LANGUAGES,
  intervention: INTERVENTIONS,
  referrerRole: REFERRER_ROLES,
  municipality: MUNICIPALITIES,
  legalFramework: LEGAL_FRAMEWORKS,
  authority: AUTHORITIES,
  living: LIVING,
  problemDomain: PROBLEM_DOMAINS,
  safetySignal: SAFETY_SIGNALS,
  veiligThuis: VEILIG_THUIS,
  meldcodeStep: MELDCODE_STEPS,
  missingExpertise: MISSING_EXPERTISE,
  historyResult: HISTORY_RESULTS,
  schoolType: SCHOOL_TYPES,
  attendance: ATTENDANCE,
  urgency: URGENCIES,
  gate: GATES,
} as const

export type EnumName = keyof typeof ENUMS
export type Lang = (typeof LANGUAGES)[number]
export type Intervention = (typeof INTERVENTIONS)[number]
export type ReferrerRole = (typeof REFERRER_ROLES)[number]
export type Municipality = (typeof MUNICIPALITIES)[number]
export type ProblemDomain = (typeof PROBLEM_DOMAINS)[number]
export type Urgency = (typeof URGENCIES)[number]
export type Gate = (typeof GATES)[number]
