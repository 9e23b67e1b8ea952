import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * Bolt loads only for Slack requests (issue 11 §3): the Worker's *static* import graph — what runs when an
 * isolate starts — must not reach `@slack/bolt` or `@slack/web-api`; the Slack route imports the Bolt App
 * with `await import()` on its first request. Type-only imports are erased by the build and are skipped.
 */

const root = fileURLToPath(new URL('../../', import.meta.url))

/** The module specifiers a file imports at load time (no `import type`, no `import()`). */
function staticImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  const specs: string[] = []
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause
      if (clause?.isTypeOnly) continue
      // `import { type A, type B } from 'x'` is erased as well (no default, only type-only names).
      const bindings = clause?.namedBindings
      if (
        clause &&
        !clause.name &&
        bindings &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly)
      ) {
        continue
      }
      specs.push((statement.moduleSpecifier as ts.StringLiteral).text)
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      specs.push((statement.moduleSpecifier as ts.StringLiteral).text)
    }
  }
  return specs
}

/** The dynamic `import('…')` specifiers in a file. */
function dynamicImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const specs: string[] = []
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specs.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return specs
}

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return candidate
  }
  return null // data files (JSON, fonts, templates) import nothing
}

/** Every local file and every package reached from `entry` by static imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (files.has(file)) continue
    files.add(file)
    for (const spec of staticImportsOf(file)) {
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec)
        if (target) queue.push(target)
      } else {
        packages.add(spec)
      }
    }
  }
  return { files, packages }
}

const sdkPattern = /^@slack\/(bolt|web-api|socket-mode)(\/|$)/

describe('Bolt loads only for Slack requests', () => {
  it('keeps @slack/bolt and @slack/web-api out of the static import graph of src/index.ts', () => {
    const { files, packages } = staticGraph(join(root, 'src/index.ts'))
    // The graph is the whole Worker (routes, jobs, adapters), so the check has something to look at.
    expect(files.size).toBeGreaterThan(40)
    expect([...files].map((f) => relative(root, f))).toContain('src/routes/slack.ts')
    expect([...packages].filter((p) => sdkPattern.test(p))).toEqual([])
    expect([...files].map((f) => relative(root, f))).not.toContain('adapters/slack/bolt-app.ts')
  }, 30_000)

  it('loads the Bolt App from the Slack route with a dynamic import', () => {
    expect(dynamicImportsOf(join(root, 'src/routes/slack.ts'))).toContain('../../adapters/slack/bolt-app')
  })

  it('would notice a static import of Bolt (the detector itself)', () => {
    // From the Bolt module itself the walk must find the SDK: otherwise the first test proves nothing.
    const { packages } = staticGraph(join(root, 'adapters/slack/bolt-app.ts'))
    expect([...packages].filter((p) => sdkPattern.test(p))).toContain('@slack/bolt')
  }, 30_000)
})
