import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

function importsOf(path: string): string[] {
  const source = readFileSync(path, 'utf8')
  const specs: string[] = []
  for (const pattern of [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,]+\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]) {
    for (const m of source.matchAll(pattern)) specs.push(m[1] ?? '')
  }
  return specs
}

const slackDir = join(root, 'adapters/slack')
const adapterFiles = [
  ...readdirSync(slackDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(slackDir, f)),
  ...readdirSync(join(slackDir, 'handlers'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(slackDir, 'handlers', f)),
]

/** The files that may load the Slack SDK at run time (everything else only imports its types, if at all). */
const SDK_FILES = ['bolt-app.ts']

describe('Slack adapter boundaries', () => {
  it('keeps Hono, Workers modules, routes and jobs out of adapters/slack, and Bolt in bolt-app.ts', () => {
    expect(adapterFiles.length).toBeGreaterThanOrEqual(10)
    for (const file of adapterFiles) {
      const source = readFileSync(file, 'utf8')
      for (const spec of importsOf(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^hono|^cloudflare:|^@slack\/socket-mode/)
        expect(spec, `${file} imports ${spec}`).not.toMatch(/src\/(routes|jobs)\//)
        if (/^@slack\/bolt/.test(spec) && !SDK_FILES.some((f) => file.endsWith(`/${f}`))) {
          // Elsewhere Bolt may only be named for its types (erased at build time).
          expect(source, `${file} imports ${spec}`).toMatch(
            new RegExp(`import type [^;]*from '${spec.replace('/', '\\/')}'`),
          )
        }
      }
    }
  })

  it('verifies without any import at all, and parses with zod only', () => {
    expect(importsOf(join(root, 'adapters/slack/verify.ts'))).toEqual([])
    expect(importsOf(join(root, 'adapters/slack/payloads.ts'))).toEqual(['zod', '../../src/domain/enums'])
  })

  it('keeps Slack code out of src/services (the handlers live in adapters/slack/handlers)', () => {
    const services = readdirSync(join(root, 'src/services'))
    expect(services.filter((n) => n.startsWith('slack'))).toEqual([])
  })
})
