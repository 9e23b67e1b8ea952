/**
 * The only logger service code may use. It writes one JSON line per event and accepts only
 * primitive, non-personal fields: values are redacted unless their key is on the allow-list,
 * so a request body, token or personal field cannot reach a log line by accident.
 */
const SAFE_KEYS = new Set([
  'requestId',
  'event',
  'error',
  'status',
  'reference',
  'jobType',
  'jobId',
  'attempt',
  'surface',
  'route',
  'ms',
  'count',
  'intervention',
  'phase',
  'stepId',
  'rule',
  'code',
])

type Fields = Record<string, string | number | boolean | null | undefined>

function redact(fields: Fields): Fields {
  const out: Fields = {}
  for (const [k, v] of Object.entries(fields)) out[k] = SAFE_KEYS.has(k) ? v : '[redacted]'
  return out
}

/** Where log lines go; tests replace it to capture every line. */
export const logSink = { write: (line: string, level: 'info' | 'warn' | 'error') => void [line, level] }
logSink.write = (line, level) => {
  if (level === 'error') console.error(line)
  else console.warn(line)
}

function emit(level: 'info' | 'warn' | 'error', event: string, fields: Fields = {}) {
  logSink.write(JSON.stringify({ level, event, ...redact(fields) }), level)
}

export const logger = {
  info: (event: string, fields?: Fields) => emit('info', event, fields),
  warn: (event: string, fields?: Fields) => emit('warn', event, fields),
  error: (event: string, fields?: Fields) => emit('error', event, fields),
}
