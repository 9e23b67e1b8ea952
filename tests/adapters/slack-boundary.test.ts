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

const adapterFiles = readdirSync(join(root, 'adapters/slack'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, 'adapters/slack', f))

describe('Slack adapter boundaries', () => {
  it('keeps Bolt, Hono, Workers modules and the service layer out of adapters/slack', () => {
    expect(adapterFiles.length).toBeGreaterThanOrEqual(6)
    for (const file of adapterFiles) {
      for (const spec of importsOf(file)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(
          /^@slack\/(bolt|socket-mode|web-api)|^hono|^cloudflare:/,
        )
        expect(spec, `${file} imports ${spec}`).not.toMatch(/src\/(services|routes|jobs)\//)
      }
    }
  })

  it('verifies without any import at all, and parses with zod only', () => {
    expect(importsOf(join(root, 'adapters/slack/verify.ts'))).toEqual([])
    expect(importsOf(join(root, 'adapters/slack/payloads.ts'))).toEqual(['zod', '../../src/domain/enums'])
  })

  it('keeps the Worker free of Bolt (decision in docs/slack.md)', () => {
    const dirs = ['src/routes', 'src/services', 'src/jobs']
    for (const dir of dirs) {
      for (const f of readdirSync(join(root, dir)).filter((n) => n.startsWith('slack'))) {
        for (const spec of importsOf(join(root, dir, f)))
          expect(spec, `${dir}/${f}`).not.toMatch(/^@slack\/bolt/)
      }
    }
  })
})
