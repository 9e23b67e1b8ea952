import { z } from 'zod'
import type { Lang } from '../../src/domain/enums'

/**
 * The parts of a Bot Framework activity the bot reads. Teams adds fields over time, so unknown fields
 * are tolerated (`loose`), but every field used here is checked: a malformed activity is answered
 * with 400 and touches nothing.
 */
export const ActivitySchema = z.looseObject({
  type: z.string().min(1),
  id: z.string().min(1).max(512).optional(),
  timestamp: z.string().optional(),
  locale: z.string().max(35).optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  channelId: z.string().min(1),
  from: z.looseObject({
    id: z.string().min(1),
    aadObjectId: z.string().min(1).optional(),
    name: z.string().optional(),
  }),
  recipient: z.looseObject({ id: z.string().min(1), name: z.string().optional() }).optional(),
  conversation: z.looseObject({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
  }),
  text: z.string().max(20_000).optional(),
  value: z.unknown().optional(),
  replyToId: z.string().optional(),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string() }).optional(),
      /** In a team's channel: the team (its `19:…@thread.tacv2` id), which the triage channel checks. */
      team: z.looseObject({ id: z.string() }).optional(),
    })
    .optional(),
  membersAdded: z.array(z.looseObject({ id: z.string() })).optional(),
})

export type Activity = z.output<typeof ActivitySchema>

/** What a referrer can type (Dutch and English are always both understood). */
export type TeamsCommand =
  | { type: 'new' }
  | { type: 'resume' }
  | { type: 'list' }
  | { type: 'help' }
  | { type: 'stop' }
  | { type: 'lang'; lang: Lang }
  /** Only from the receipt card's button: issue a personal PDF link. */
  | { type: 'pdf'; reference: string }

const COMMANDS: Record<string, TeamsCommand> = {
  'nieuwe casus': { type: 'new' },
  'nieuwe aanmelding': { type: 'new' },
  nieuw: { type: 'new' },
  'new case': { type: 'new' },
  new: { type: 'new' },
  start: { type: 'new' },
  hervat: { type: 'resume' },
  hervatten: { type: 'resume' },
  verder: { type: 'resume' },
  resume: { type: 'resume' },
  continue: { type: 'resume' },
  'mijn casussen': { type: 'list' },
  casussen: { type: 'list' },
  'my cases': { type: 'list' },
  cases: { type: 'list' },
  help: { type: 'help' },
  hulp: { type: 'help' },
  '?': { type: 'help' },
  stop: { type: 'stop' },
  stoppen: { type: 'stop' },
  annuleer: { type: 'stop' },
  cancel: { type: 'stop' },
  english: { type: 'lang', lang: 'en' },
  engels: { type: 'lang', lang: 'en' },
  nederlands: { type: 'lang', lang: 'nl' },
  dutch: { type: 'lang', lang: 'nl' },
}

/**
 * Reads a typed command. The @mention of the bot (`<at>RET</at>`), markup, case, surrounding
 * punctuation and extra spaces are ignored. Anything else is not a command (`null`).
 */
export function parseCommand(text: string | undefined): TeamsCommand | null {
  if (!text) return null
  const plain = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .toLowerCase()
    .replace(/[.!¡,;:'"“”‘’]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  // Own keys only: a message `__proto__` or `constructor` must not find Object.prototype's members.
  return Object.hasOwn(COMMANDS, plain) ? (COMMANDS[plain] ?? null) : null
}

/** The card language for a Teams locale: English for `en-*`, Dutch for everything else. */
export function langOfLocale(locale: string | undefined): Lang {
  return locale?.toLowerCase().startsWith('en') ? 'en' : 'nl'
}

/** Whether the conversation is a 1:1 chat with the bot (intakes are only taken there). */
export function isPersonal(activity: Pick<Activity, 'conversation'>): boolean {
  const kind = activity.conversation.conversationType
  return (kind === undefined || kind === 'personal') && activity.conversation.isGroup !== true
}
