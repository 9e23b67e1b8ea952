import { interventionName, t } from './copy'
import type { ScreenView } from './dialogue-types'
import type { Intervention, Lang } from './enums'
import { reasonGroups } from './routing'

/** One intervention's reasons on a review: "Voor Regie op plaatsing (ROP) (score 5)" and its weighted lines. */
export interface ReviewReasonGroup {
  intervention: Intervention
  title: string
  /** "+3: Er is een plaatsing nodig …" */
  reasons: string[]
}

/** The review's suggestion as chat surfaces show it (issue 13 §11): reasons grouped, then the other lines. */
export interface ReviewSuggestion {
  groups: ReviewReasonGroup[]
  /** The summary without the reason lines (suggested route, alternatives, gates, missing items, who decides). */
  others: string[]
}

/**
 * Groups the review's reasons under the intervention they scored for, shown with its code, as the web review
 * and the PDF do; Teams and Slack render this. Pure.
 */
export function buildReviewSuggestion(
  review: NonNullable<ScreenView['review']>,
  lang: Lang,
): ReviewSuggestion {
  const decision = review.decision
  if (!decision) return { groups: [], others: review.summary }
  const reasonTexts = new Set(decision.reasons.map((r) => r[lang]))
  return {
    groups: reasonGroups(decision).map((g) => ({
      intervention: g.intervention,
      title: t(lang, 'dialogue.review.reasonsFor', {
        intervention: interventionName(lang, g.intervention),
        score: g.score,
      }),
      reasons: g.reasons.map((r) => `${r.weight > 0 ? `+${r.weight}` : String(r.weight)}: ${r[lang]}`),
    })),
    others: review.summary.filter((line) => !reasonTexts.has(line)),
  }
}
