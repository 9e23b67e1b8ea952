import type { Config } from '../../../src/config'
import type { Lang } from '../../../src/domain/enums'
import type { Actor } from '../../../src/domain/types'
import type { DraftStore } from '../../../src/ports/draft-store'
import { buildActor } from '../../../src/services/access'
import { buildDurableDraftStore } from '../../storage/draft-object'
import { D1SlackMessageStore, type SlackMessageStore } from '../message-store'
import { buildSlackWebApi, type SlackWebApi } from '../web-api'

/** What the Slack use cases need besides the core `Deps`. */
export interface SlackDeps {
  api: SlackWebApi
  messages: SlackMessageStore
  drafts: DraftStore
  /** Triage channel id ('' = not configured: cards are not posted). */
  channel: string
  /** Language of channel posts. */
  channelLang: Lang
}

/** Builds the Slack dependencies from the Worker's bindings; `overrides` replaces parts in tests. */
export function buildSlackDeps(env: Env, config: Config, overrides: Partial<SlackDeps> = {}): SlackDeps {
  return {
    api: buildSlackWebApi({ token: config.SLACK_BOT_TOKEN ?? '', baseUrl: config.SLACK_API_URL }),
    messages: new D1SlackMessageStore(env.DB),
    drafts: buildDurableDraftStore(env.DRAFTS),
    channel: config.SLACK_TRIAGE_CHANNEL,
    channelLang: config.SLACK_CHANNEL_LANG,
    ...overrides,
  }
}

/** Whether a Slack workspace may use the app (allow-list; empty = none). */
export function isAllowedSlackTeam(config: Config, teamId: string | null | undefined): boolean {
  return !!teamId && config.SLACK_TEAM_IDS.includes(teamId)
}

/**
 * The actor of a Slack user. Everyone may refer; chair comes from `SLACK_CHAIR_USER_IDS` or a
 * `slack:<team>:<user>` key in `CHAIRS`; coordinator and admin from their lists.
 */
export function buildSlackActor(config: Config, teamId: string, userId: string, lang: Lang): Actor {
  return buildActor(config, { surface: 'slack', tenant: teamId, userId, lang })
}
