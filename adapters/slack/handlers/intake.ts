import { t } from '../../../src/domain/copy'
import { noticeLine, type ReceiptText } from '../../../src/domain/crisis'
import type { DialogueEvent, ScreenView } from '../../../src/domain/dialogue-types'
import type { Lang } from '../../../src/domain/enums'
import { actorKey } from '../../../src/domain/lifecycle'
import type { Actor } from '../../../src/domain/types'
import { logger } from '../../../src/logger'
import type { CaseRecord } from '../../../src/ports/case-store'
import { eventAad } from '../../../src/ports/cipher'
import { draftKey } from '../../../src/ports/draft-store'
import { runCaseCommand } from '../../../src/services/cases'
import type { Deps } from '../../../src/services/deps'
import { runDialogueEvent } from '../../../src/services/dialogue'
import { issueAnalysisUploadLink } from '../../../src/services/links'
import {
  buildAnswerModal,
  buildHelpMessage,
  buildStatusMessage,
  buildTextMessage,
  parseAnswerSubmission,
  type QuestionRef,
} from '../cards'
import {
  buildIntakeErrors,
  buildIntakeModal,
  parseIntakeModalAction,
  parseIntakeModalClosed,
  parseIntakeModalSubmission,
  phoneLinks,
} from '../intake-modal'
import { parseRetCommandText, type SlackView, type SlashCommand } from '../payloads'
import type { SlackModalErrors, SlackModalView } from '../types'
import { type MessageBody, SlackApiError } from '../web-api'
import { buildSlackActor, isAllowedSlackTeam, type SlackDeps } from './deps'
import { resolveSlackLang } from './triage'

/**
 * Referrers in Slack: `/ret` opens the intake as a modal flow on the same dialogue state machine as
 * every other surface (one draft per `slack:<team>:<user>`); `/ret status <ref>` shows that case's
 * status to its referrer; `/ret help`.
 */

/** Answers through the listener's `respond()` (Bolt), else the command's response_url, else ephemerally. */
export type SlackRespond = (message: MessageBody) => Promise<void>

async function replyTo(
  slack: SlackDeps,
  command: SlashCommand,
  message: MessageBody,
  respond?: SlackRespond,
): Promise<void> {
  try {
    if (respond) await respond(message)
    else if (command.response_url) await slack.api.respond(command.response_url, message)
    else if (command.channel_id) await slack.api.postEphemeral(command.channel_id, command.user_id, message)
  } catch (error) {
    logger.warn('slack_reply_failed', { code: error instanceof SlackApiError ? error.code : 'unknown' })
  }
}

/** Handles one `/ret` command after it was acknowledged. */
export async function runSlackCommand(
  deps: Deps,
  slack: SlackDeps,
  command: SlashCommand,
  options: { requestId?: string; respond?: SlackRespond } = {},
): Promise<void> {
  const parsed = parseRetCommandText(command.text)
  const reply = (s: SlackDeps, c: SlashCommand, message: MessageBody) =>
    replyTo(s, c, message, options.respond)
  const lang = await resolveSlackLang(slack, command.user_id, parsed.lang)
  if (!isAllowedSlackTeam(deps.config, command.team_id)) {
    await reply(slack, command, buildTextMessage(t(lang, 'slack.reply.teamNotAllowed')))
    return
  }
  const actor = buildSlackActor(deps.config, command.team_id, command.user_id, lang)
  switch (parsed.kind) {
    case 'help':
      await reply(slack, command, buildHelpMessage(lang))
      return
    case 'unknown':
      await reply(slack, command, buildTextMessage(t(lang, 'slack.reply.unknownCommand')))
      return
    case 'status': {
      if (!parsed.reference) {
        await reply(slack, command, buildTextMessage(t(lang, 'slack.reply.statusUsage')))
        return
      }
      const record = await deps.store.getByReference(parsed.reference)
      // Only the case's own referrer (or a chair/admin) learns anything, even whether it exists.
      const mine =
        record !== null &&
        (record.referrerKey === actorKey(actor) ||
          actor.roles.includes('chair') ||
          actor.roles.includes('admin'))
      await reply(
        slack,
        command,
        mine && record
          ? buildStatusMessage(record, lang)
          : buildTextMessage(t(lang, 'slack.reply.unknownCase', { reference: parsed.reference })),
      )
      return
    }
    case 'intake': {
      const key = draftKey(actor)
      const turn = await runDialogueEvent(deps, slack.drafts, {
        key,
        actor,
        event: { type: 'start', lang },
        ...(options.requestId ? { requestId: options.requestId } : {}),
      })
      if (!turn.view) return
      try {
        await slack.api.openView(command.trigger_id, buildIntakeModal(turn.view))
      } catch (error) {
        logger.warn('slack_intake_open_failed', {
          code: error instanceof SlackApiError ? error.code : 'unknown',
        })
        await reply(slack, command, buildTextMessage(t(lang, 'slack.reply.intakeFailed')))
      }
      return
    }
  }
}

/** What a view_submission of the intake modal answers. */
export type IntakeSubmitResponse =
  | SlackModalErrors
  | { response_action: 'update'; view: SlackModalView }
  | { response_action: 'clear' }
  | null

function closedView(lang: Lang, textKey: string, params: Record<string, string> = {}): SlackModalView {
  return {
    type: 'modal',
    callback_id: 'ret:intake:done',
    title: { type: 'plain_text', text: t(lang, 'slack.intake.title').slice(0, 24) },
    close: { type: 'plain_text', text: t(lang, 'slack.intake.done').slice(0, 24) },
    private_metadata: '',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: t(lang, textKey, params) } }],
  }
}

function nextView(
  screen: ScreenView | null,
  lang: Lang,
  event: DialogueEvent | undefined,
  phone: string,
): SlackModalView {
  if (!screen) {
    // Stopping at the acute-danger notice (G1) keeps 112, Veilig Thuis and the crisis service in view.
    if (event?.type === 'choose' && event.noticeId === 'G1') return crisisStopView(lang, phone)
    return closedView(lang, 'slack.intake.cancelled')
  }
  return buildIntakeModal(screen)
}

function crisisStopView(lang: Lang, phone: string): SlackModalView {
  const view = closedView(lang, 'slack.intake.cancelled')
  const lines = ['title', 'call112', 'veiligThuis', 'crisis', 'notAReport'].map((k) =>
    phoneLinks(noticeLine(lang, `dialogue.notices.G1.${k}`, {}, phone)),
  )
  view.blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: `*${lines[0]}*\n${lines.slice(1).join('\n')}` },
  })
  return view
}

/** What happens next (a call back now for a spoedmelding) and, for an urgent report, where to call. */
function receiptBlock(lang: Lang, receipt: ReceiptText): SlackModalView['blocks'][number] {
  const crisis = receipt.crisis.length
    ? `\n\n*${t(lang, 'dialogue.receipt.crisisTitle')}*\n${receipt.crisis.join('\n')}`
    : ''
  return { type: 'section', text: { type: 'mrkdwn', text: phoneLinks(`${receipt.next}${crisis}`) } }
}

/**
 * The modal after a successful submit: the reference, and when the case still lacks its shared
 * explanatory analysis (G5), a personal 15-minute upload link. The modal is seen by this referrer only.
 */
async function submittedView(
  deps: Deps,
  actor: Actor,
  lang: Lang,
  reference: string,
  origin: string | undefined,
  receipt: ReceiptText | undefined,
): Promise<SlackModalView> {
  const view = closedView(lang, 'slack.intake.submitted', { reference })
  if (receipt) view.blocks.push(receiptBlock(lang, receipt))
  if (!origin) return view
  const record = await deps.store.getByReference(reference)
  if (!record?.flags.includes('analysis_missing')) return view
  const link = await issueAnalysisUploadLink(deps, { actor, reference, origin })
  if (!link.ok) return view
  const expires = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    timeStyle: 'short',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(link.expiresAt))
  view.blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: t(lang, 'slack.intake.uploadAnalysis', { url: link.url, expires }) },
  })
  return view
}

/**
 * The intake modal's Submit: applies the event through the draft's single writer and answers with the
 * next screen (`response_action: update`), or with field errors shown under their inputs.
 */
export async function runSlackIntakeSubmit(
  deps: Deps,
  slack: SlackDeps,
  input: { teamId: string; userId: string; view: SlackView; requestId?: string; origin?: string },
): Promise<IntakeSubmitResponse> {
  const parsed = parseIntakeModalSubmission(input.view)
  if (!parsed.ok) return null
  const lang = parsed.meta.l
  if (!isAllowedSlackTeam(deps.config, input.teamId)) {
    return { response_action: 'update', view: closedView(lang, 'slack.reply.teamNotAllowed') }
  }
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, lang)
  const turn = await runDialogueEvent(deps, slack.drafts, {
    key: draftKey(actor),
    actor,
    event: parsed.event,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  })
  if (turn.view && parsed.event.type === 'answer' && turn.view.stepId === parsed.meta.s) {
    const errors = buildIntakeErrors(turn.view, buildIntakeModal(turn.view))
    if (errors) return errors
  }
  if (turn.view?.phase === 'submitted' && turn.reference) {
    return {
      response_action: 'update',
      view: await submittedView(deps, actor, lang, turn.reference, input.origin, turn.view.receipt),
    }
  }
  return {
    response_action: 'update',
    view: nextView(turn.view, lang, parsed.event, deps.config.YOUTH_CRISIS_PHONE),
  }
}

/** A button inside the intake modal (back, edit, choose, add/remove row, cancel): redraw with views.update. */
export async function runSlackIntakeAction(
  deps: Deps,
  slack: SlackDeps,
  input: {
    teamId: string
    userId: string
    actionId: string
    view: SlackView
    requestId?: string
    origin?: string
  },
): Promise<void> {
  const parsed = parseIntakeModalAction(input.actionId, input.view)
  if (!parsed || !isAllowedSlackTeam(deps.config, input.teamId)) return
  const lang = parsed.meta.l
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, lang)
  const turn = await runDialogueEvent(deps, slack.drafts, {
    key: draftKey(actor),
    actor,
    event: parsed.event,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  })
  const view =
    turn.view?.phase === 'submitted' && turn.reference
      ? await submittedView(deps, actor, lang, turn.reference, input.origin, turn.view.receipt)
      : nextView(turn.view, lang, parsed.event, deps.config.YOUTH_CRISIS_PHONE)
  await slack.api.updateView(input.view.id, view, input.view.hash)
}

/** Closing the intake modal keeps what was typed on the current step (`save`), for "later verder". */
export async function runSlackIntakeClosed(
  deps: Deps,
  slack: SlackDeps,
  input: { teamId: string; userId: string; view: SlackView },
): Promise<void> {
  const parsed = parseIntakeModalClosed(input.view)
  if (!parsed || !isAllowedSlackTeam(deps.config, input.teamId)) return
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, parsed.meta.l)
  await runDialogueEvent(deps, slack.drafts, { key: draftKey(actor), actor, event: parsed.event })
}

/**
 * The open question a referrer may answer: their own case, still `info_requested`, and still at the
 * version that asked it (a later change means the question is no longer the open one).
 */
async function openQuestion(
  deps: Deps,
  ref: QuestionRef,
  referrerKey: string,
): Promise<{ record: CaseRecord; question: string } | null> {
  const record = await deps.store.getByReference(ref.r)
  if (!record || record.referrerKey !== referrerKey) return null
  if (record.status !== 'info_requested' || record.version !== ref.v) return null
  const event = (await deps.store.listEvents(record.id)).find(
    (e) => e.seq === ref.v && e.type === 'requestInfo',
  )
  if (!event?.dataEnc) return null
  const data = await deps.cipher.decryptJson<{ question?: unknown }>(
    event.dataEnc,
    eventAad(record.id, event.seq),
  )
  return { record, question: typeof data.question === 'string' ? data.question : '' }
}

/** "Beantwoorden" under a chair's question: opens the answer modal for the case's own referrer only. */
export async function runSlackAnswerClick(
  deps: Deps,
  slack: SlackDeps,
  input: { teamId: string; userId: string; channelId: string | null; triggerId: string; ref: QuestionRef },
): Promise<void> {
  const lang = await resolveSlackLang(slack, input.userId)
  if (!isAllowedSlackTeam(deps.config, input.teamId)) return
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, lang)
  const open = await openQuestion(deps, input.ref, actorKey(actor))
  if (!open) {
    if (input.channelId) {
      await slack.api
        .postEphemeral(
          input.channelId,
          input.userId,
          buildTextMessage(t(lang, 'slack.answer.closed', { reference: input.ref.r })),
        )
        .catch(() => undefined)
    }
    return
  }
  await slack.api.openView(
    input.triggerId,
    buildAnswerModal({ reference: input.ref.r, version: input.ref.v, question: open.question }, lang),
  )
}

/**
 * The answer modal's Submit: the answer becomes a `provideInfo` event on the case (stored encrypted;
 * the case returns to triage) if the question is still open; the modal then says so.
 */
export async function runSlackAnswerSubmit(
  deps: Deps,
  _slack: SlackDeps,
  input: { teamId: string; userId: string; view: SlackView; requestId?: string },
): Promise<SlackModalErrors | { response_action: 'update'; view: SlackModalView }> {
  const parsed = parseAnswerSubmission(input.view)
  if (!parsed.ok) return parsed.response
  const { ref, lang, answer } = parsed
  if (!isAllowedSlackTeam(deps.config, input.teamId)) {
    return { response_action: 'update', view: closedView(lang, 'slack.reply.teamNotAllowed') }
  }
  const actor = buildSlackActor(deps.config, input.teamId, input.userId, lang)
  const closed = {
    response_action: 'update' as const,
    view: closedView(lang, 'slack.answer.closed', { reference: ref.r }),
  }
  if (!(await openQuestion(deps, ref, actorKey(actor)))) return closed
  const result = await runCaseCommand(deps, {
    reference: ref.r,
    command: { type: 'provideInfo', answer },
    actor,
    expectedVersion: ref.v,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  })
  if (!result.ok) return closed
  return { response_action: 'update', view: closedView(lang, 'slack.answer.done', { reference: ref.r }) }
}
