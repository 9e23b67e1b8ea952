import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * Holds the bundle decision of docs/teams.md: the Worker's Teams code uses jose and fetch, not the
 * Teams SDK, and the zod card schema stays out of the runtime path (types only).
 */
const root = new URL('../../', import.meta.url)
const files = [
  ...readdirSync(new URL('adapters/teams/', root)).map((f) => `adapters/teams/${f}`),
  ...readdirSync(new URL('src/services/', root))
    .filter((f) => f.startsWith('teams-'))
    .map((f) => `src/services/${f}`),
  ...readdirSync(new URL('src/jobs/', root))
    .filter((f) => f.startsWith('teams-'))
    .map((f) => `src/jobs/${f}`),
  'src/routes/teams.ts',
].filter((f) => f.endsWith('.ts'))

/** Import statements that bring in code at runtime (not `import type`). */
function runtimeImports(source: string): string[] {
  return [...source.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1] as string)
}

describe('Teams code boundaries', () => {
  it('finds the Teams sources', () => {
    expect(files).toContain('adapters/teams/verify.ts')
    expect(files).toContain('src/routes/teams.ts')
  })

  it.each(files)('%s does not load the Teams SDK or the card schema at runtime', (file) => {
    const imports = runtimeImports(readFileSync(new URL(file, root), 'utf8'))
    expect(imports.filter((i) => i.startsWith('@microsoft/'))).toEqual([])
    if (file !== 'adapters/teams/card-schema.ts') {
      expect(imports.filter((i) => i.endsWith('/card-schema') || i === './card-schema')).toEqual([])
    }
  })
})
