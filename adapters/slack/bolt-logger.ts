import type { Logger } from '@slack/web-api'
import { logger } from '../../src/logger'

/**
 * The logger handed to Bolt and its WebClient. Their messages may quote request bodies or API errors,
 * and logs never carry personal data (DOMAIN.md §7), so only the level and a fixed event name go out;
 * debug and info are dropped. Our own code logs what matters (codes, phases) itself.
 */
let level = 'warn' as ReturnType<Logger['getLevel']>

export const boltLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => logger.warn('slack_sdk_warning', {}),
  error: () => logger.error('slack_sdk_error', {}),
  setLevel: (next) => {
    level = next
  },
  getLevel: () => level,
  setName: () => undefined,
}
