import { t } from '../../../src/domain/copy'
import type { Lang } from '../../../src/domain/enums'
import type { Deps } from '../../../src/services/deps'
import { checkFollowUp, runFollowUpAnswer } from '../../../src/services/follow-up'
import { buildTextMessage } from '../cards'
import {
  buildFollowUpDoneView,
  buildFollowUpErrors,
  buildFollowUpModal,
  type FollowUpRef,
  parseFollowUpSubmission,
} from '../follow-up'
import type { SlackView } from '../payloads'
import type { SlackModalErrors, SlackModalView } from '../types'
import { buildSlackActor, isAllowedSlackTeam, type SlackDeps } from './deps'
import { resolveSlackLang } from './triage'

/**
 * The follow-up question in Slack (issue 15 §1): the DM's button opens the modal for the case's own
 * referrer while the question is open; anyone else gets a short refusal (audited by the use case). The
 * modal's submission stores the answers through src/services/follow-up.ts, or shows its field errors.
 */

/** "Nazorgvragen beantwoorden" in the referrer's DM. */
export async function runSlackFollowUpClick(
  deps: Deps,
  slack: SlackDeps,
  input: {
    teamId: string
    userId: string
    channelId: string | null
    triggerId: string
    ref: FollowUpRef
    requestId?: string
  },
): Promise<void> {
  const lang = await resolveSlackLang(slack, input.userId)
  if (!isAllowedSlackTeam(deps.config, input.teamId)) return
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, lang)
  const state = await checkFollowUp(deps, {
    reference: input.ref.r,
    actor,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  })
  if (state !== 'open') {
    if (input.channelId) {
      const key = state === 'refused' ? 'lifecycle.followUp.refused' : 'lifecycle.followUp.closed'
      await slack.api
        .postEphemeral(
          input.channelId,
          input.userId,
          buildTextMessage(t(lang, key, { reference: input.ref.r })),
        )
        .catch(() => undefined)
    }
    return
  }
  await slack.api.openView(input.triggerId, buildFollowUpModal(input.ref.r, lang))
}

/** The follow-up modal's Submit: field errors, or the modal replaced by the outcome. */
export async function runSlackFollowUpSubmit(
  deps: Deps,
  input: { teamId: string; userId: string; view: SlackView; requestId?: string },
): Promise<SlackModalErrors | { response_action: 'update'; view: SlackModalView }> {
  const parsed = parseFollowUpSubmission(input.view)
  if (!parsed.ok) return parsed.response
  const { ref, lang, raw } = parsed
  const done = (key: string) => ({
    response_action: 'update' as const,
    view: buildFollowUpDoneView(lang, key, ref.r),
  })
  if (!isAllowedSlackTeam(deps.config, input.teamId)) return done('slack.reply.teamNotAllowed')
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, lang as Lang)
  const result = await runFollowUpAnswer(deps, {
    reference: ref.r,
    actor,
    raw,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  })
  if (result.ok) return done('lifecycle.followUp.answered')
  if (result.code === 'invalid') return buildFollowUpErrors(result.errors, lang)
  return done(result.code === 'refused' ? 'lifecycle.followUp.refused' : 'lifecycle.followUp.closed')
}
