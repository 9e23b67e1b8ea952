/**
 * Where a declined case was sent instead (issue 15 §3): a closed list the chair picks from when declining
 * (web console, Teams and Slack case cards), stored with the decline event and as a plain category on the
 * case for monitoring. The chair's free-text advice stays an optional extra, encrypted in the timeline.
 * Cases declined before the list existed count as `other`. Labels: `monitoring.destinations.<value>`.
 */
export const DECLINE_DESTINATIONS = [
  'lokaal_team',
  'jeugdarts',
  'gi',
  'veilig_thuis',
  'aanbieder',
  'onderwijs',
  'volwassenenzorg',
  'specialistische_jeugdhulp',
  'ggz',
  'huisarts',
  'other',
] as const
export type DeclineDestination = (typeof DECLINE_DESTINATIONS)[number]

/** A stored destination as a category; anything else (an old row, an unknown value) is `other`. */
export function declineDestinationOf(value: unknown): DeclineDestination {
  return (DECLINE_DESTINATIONS as readonly unknown[]).includes(value)
    ? (value as DeclineDestination)
    : 'other'
}
