import { setupServer } from 'msw/node'
import { slackServer } from '../slack-helpers'
import { buildTeamsServer } from '../teams-helpers'

/**
 * One msw server playing Slack (Web API, response URLs) and the Bot Framework (OpenID metadata, JWKS,
 * token endpoint, Bot Connector) at once, built from the Slack and Teams tests' own handlers. Slack's
 * come first: the Teams server ends in a catch-all that records anything else as unexpected.
 */
export function buildPlatformServer() {
  return setupServer(...slackServer.listHandlers(), ...buildTeamsServer().listHandlers())
}
