import type { Config } from '../../src/config'
import type { Deps } from '../../src/services/deps'
import { issueFileLink } from '../../src/services/links'
import type { TeamsChannelSide } from './channel'
import { TeamsConnector } from './connector'
import type { IssuePdfLink } from './intake'
import { D1TeamsChannelCards } from './store'
import type { TeamsVerifyConfig } from './verify'

/** The token-check settings from the configuration. */
export function buildTeamsVerifyConfig(config: Config): TeamsVerifyConfig {
  return {
    appId: config.TEAMS_APP_ID,
    openIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL,
    allowedTenants: config.TEAMS_TENANT_IDS,
  }
}

const connectors = new Map<string, TeamsConnector>()

/**
 * A Bot Connector client from the configuration, one per isolate and credentials (its token cache is
 * per isolate; reusing it also reuses the SDK's API client per service URL).
 */
export function buildTeamsConnector(config: Config): TeamsConnector {
  const key = `${config.TEAMS_TOKEN_URL}|${config.TEAMS_APP_ID}|${config.TEAMS_APP_PASSWORD ?? ''}`
  let connector = connectors.get(key)
  if (!connector) {
    connector = new TeamsConnector({
      appId: config.TEAMS_APP_ID,
      appPassword: config.TEAMS_APP_PASSWORD ?? '',
      tokenUrl: config.TEAMS_TOKEN_URL,
    })
    connectors.set(key, connector)
  }
  return connector
}

/**
 * PDF links for Teams referrers: a single-use download link to the case's intake PDF in the card
 * language (Dutch when there is none in that language), issued to the referrer (audited by
 * `issueFileLink`). A Teams user has no web identity, so the link is chat-bound: `/files/<token>`
 * shows a Download button (a link scanner opening the URL uses nothing) and works once.
 */
export function buildTeamsPdfLinkIssuer(deps: Deps): IssuePdfLink {
  return async ({ actor, reference, lang, origin }) => {
    const link = await issueFileLink(deps, { actor, reference, file: `pdf:${lang}`, purpose: 'download' })
    return { url: new URL(link.path, origin).toString(), expiresAt: link.expiresAt }
  }
}

/** The Teams triage channel from the configuration (its card store, connector and language). */
export function buildTeamsChannelSide(env: Pick<Env, 'DB'>, config: Config): TeamsChannelSide {
  return {
    connector: buildTeamsConnector(config),
    cards: new D1TeamsChannelCards(env.DB),
    channelId: config.TEAMS_TRIAGE_CHANNEL_ID,
    serviceUrl: config.TEAMS_TRIAGE_SERVICE_URL,
    lang: config.TEAMS_CHANNEL_LANG,
    caseUrlBase: config.PUBLIC_URL,
    teamId: config.TEAMS_TRIAGE_TEAM_ID,
    chairObjectIds: teamsChairObjectIds(config),
  }
}

/**
 * The Entra object ids of the Teams chairs: `tenant:objectId` in `TEAMS_CHAIR_OBJECT_IDS` and
 * `teams:<tenant>:<objectId>` in `CHAIRS`, each once.
 */
export function teamsChairObjectIds(config: Pick<Config, 'CHAIRS' | 'TEAMS_CHAIR_OBJECT_IDS'>): string[] {
  const ids = [
    ...config.TEAMS_CHAIR_OBJECT_IDS.map((entry) => entry.split(':')[1] ?? ''),
    ...config.CHAIRS.filter((key) => key.startsWith('teams:')).map((key) => key.split(':')[2] ?? ''),
  ]
  return [...new Set(ids.filter((id) => id !== ''))]
}
