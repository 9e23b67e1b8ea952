/**
 * Stands in for `@slack/socket-mode` in the Worker build (wrangler `[alias]`, vitest `resolve.alias`).
 * Bolt's index imports it for `SocketModeReceiver`; the real package pulls in `undici` and `node:sqlite`,
 * which workerd does not have. This app never uses socket mode (`socketMode: false`, a custom receiver),
 * so constructing the client is an error.
 */
export class SocketModeClient {
  constructor() {
    throw new Error('Socket mode is not available in the Worker (docs/slack.md).')
  }
}

export const LogLevel = { ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug' } as const

export default { SocketModeClient, LogLevel }
