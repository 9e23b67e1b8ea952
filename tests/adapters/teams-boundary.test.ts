import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * Holds the loading decision of docs/teams.md: the Teams SDK (`@microsoft/teams.*`) is reached only
 * through `await import()` from the Teams route, so a web, API, cron or queue request never runs its
 * start-up code. The static import graph of src/index.ts must not reach it; the zod card schema stays
 * out of the runtime path (types only).
 */
const root = fileURLToPath(new URL('../../', import.meta.url))

/** Static, value-level imports and re-exports of a module (not `import type`, not `import()`). */
function staticImports(source: string): string[] {
  const found: string[] = []
  const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm
  for (const m of source.matchAll(pattern)) found.push(m[1] as string)
  return found
}

function resolveLocal(from: string, spec: string): string | null {
  const base = join(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate
  }
  return null
}

/** Walks the static graph from an entry; returns every package specifier reached and the files. */
function staticGraph(entry: string): { packages: Map<string, string>; files: Set<string> } {
  const packages = new Map<string, string>()
  const files = new Set<string>()
  const queue = [join(root, entry)]
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (files.has(file)) continue
    files.add(file)
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec)
        if (target) queue.push(target)
      } else if (!packages.has(spec)) {
        packages.set(spec, relative(root, file))
      }
    }
  }
  return { packages, files }
}

const microsoft = (packages: Map<string, string>) =>
  [...packages].filter(([spec]) => spec.startsWith('@microsoft/')).map(([spec, by]) => `${spec} ← ${by}`)

describe('Teams SDK loading', () => {
  it('the static import graph of src/index.ts does not reach @microsoft/teams.apps (or any @microsoft/*)', () => {
    const { packages, files } = staticGraph('src/index.ts')
    // The walk really covers the Worker: the Teams route and its adapters are in it.
    expect(files).toContain(join(root, 'src/routes/teams.ts'))
    expect(files).toContain(join(root, 'adapters/teams/verify.ts'))
    expect(files).toContain(join(root, 'adapters/teams/connector.ts'))
    expect(packages.has('hono')).toBe(true)
    expect(microsoft(packages)).toEqual([])
    expect(files).not.toContain(join(root, 'adapters/teams/sdk.ts'))
  })

  it('the check fails when a module of that graph imports the SDK statically', () => {
    // The SDK module itself does: walking from it must find the package (the walker is not blind).
    const { packages } = staticGraph('adapters/teams/sdk.ts')
    expect(microsoft(packages)).toContain('@microsoft/teams.apps ← adapters/teams/sdk.ts')
    expect(staticImports("import { App } from '@microsoft/teams.apps'")).toEqual(['@microsoft/teams.apps'])
    expect(staticImports("export { App } from '@microsoft/teams.apps'")).toEqual(['@microsoft/teams.apps'])
    expect(staticImports("import '@microsoft/teams.apps'")).toEqual(['@microsoft/teams.apps'])
    expect(staticImports("import type { App } from '@microsoft/teams.apps'")).toEqual([])
    expect(staticImports("const m = await import('@microsoft/teams.apps')")).toEqual([])
  })

  it('the Teams route loads the SDK module with a dynamic import() (once per isolate)', () => {
    const route = readFileSync(join(root, 'src/routes/teams.ts'), 'utf8')
    expect(route).toMatch(/[^\w]import\('\.\.\/\.\.\/adapters\/teams\/sdk'\)/)
    expect(route).toMatch(/await loadTeamsSdk\(\)/)
    expect(staticImports(route).filter((s) => s.startsWith('@microsoft/') || s.endsWith('/sdk'))).toEqual([])
  })

  it('the Teams turn and its wiring live in adapters/teams, not in src/services (they render cards)', () => {
    const services = readdirSync(join(root, 'src/services'))
    expect(services.filter((f) => f === 'teams-intake.ts' || f === 'teams-deps.ts')).toEqual([])
    for (const file of services.filter((f) => f.endsWith('.ts'))) {
      const imports = staticImports(readFileSync(join(root, 'src/services', file), 'utf8'))
      expect(imports.filter((i) => i.includes('adapters/teams/intake'))).toEqual([])
    }
  })
})

describe('Teams card schema', () => {
  const files = readdirSync(join(root, 'adapters/teams'))
    .filter((f) => f.endsWith('.ts') && f !== 'card-schema.ts')
    .map((f) => `adapters/teams/${f}`)

  it.each(files)('%s does not load the card schema at runtime', (file) => {
    const imports = staticImports(readFileSync(join(root, file), 'utf8'))
    expect(imports.filter((i) => i.endsWith('/card-schema') || i === './card-schema')).toEqual([])
  })
})
