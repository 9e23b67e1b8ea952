import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|tsx)$/.test(name) ? [path] : []
  })
}

/** Every module specifier a file imports (static, dynamic and re-exports). */
function importsOf(source: string): string[] {
  const specs: string[] = []
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,]+\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) specs.push(m[1]!)
  return specs
}

const FORBIDDEN = [
  /(^|\/)adapters\//,
  /^hono(\/|$)/,
  /^pdf-lib$/,
  /^@pdf-lib\//,
  /^cloudflare:/,
  /^@slack\//,
  /^@microsoft\//,
]

describe('architecture boundaries', () => {
  const domainFiles = filesUnder(join(root, 'src/domain'))

  it('finds the domain files', () => {
    expect(domainFiles.length).toBeGreaterThan(3)
  })

  it('keeps src/domain free of adapters, Hono, pdf-lib, platform SDKs and cloudflare:*', () => {
    const violations = domainFiles.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => FORBIDDEN.some((re) => re.test(spec)))
        .map((spec) => `${file.slice(root.length)} imports ${spec}`),
    )
    expect(violations).toEqual([])
  })

  it('keeps the clock injected in src/domain (no Date.now(), no new Date() without a value)', () => {
    const violations = domainFiles.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => /Date\.now\(\)|new Date\(\s*\)/.test(line) && !line.trim().startsWith('*'))
        .map(({ i }) => `${file.slice(root.length)}:${i + 1}`),
    )
    expect(violations).toEqual([])
  })

  it('detects a forbidden import (the check itself works)', () => {
    const sample =
      "import { Hono } from 'hono'\nimport x from '../../adapters/pdf/render'\nconst y = await import('cloudflare:workers')"
    const found = importsOf(sample).filter((spec) => FORBIDDEN.some((re) => re.test(spec)))
    expect(found).toEqual(['hono', '../../adapters/pdf/render', 'cloudflare:workers'])
  })
})
