import { TeamsConnector } from '../../adapters/teams/connector'
import type { TeamsVerifyConfig } from '../../adapters/teams/verify'
import type { Config } from '../config'

/** The token-check settings from the configuration. */
export function buildTeamsVerifyConfig(config: Config): TeamsVerifyConfig {
  return {
    appId: config.TEAMS_APP_ID,
    openIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL,
    allowedTenants: config.TEAMS_TENANT_IDS,
  }
}

/** A Bot Connector client from the configuration (its token cache is per isolate). */
export function buildTeamsConnector(config: Config): TeamsConnector {
  return new TeamsConnector({
    appId: config.TEAMS_APP_ID,
    appPassword: config.TEAMS_APP_PASSWORD ?? '',
    tokenUrl: config.TEAMS_TOKEN_URL,
  })
}
