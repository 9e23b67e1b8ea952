import { describe, expect, it } from 'vitest'
import { DEFAULT_PDF_LAYOUT, parsePdfLayout } from '../../src/domain/report'
import { DEFAULT_RULES, parseRuleSet } from '../../src/domain/rules'
import { DEFAULT_SCRIPT, parseScript } from '../../src/domain/script'
import { DEFAULT_STALLED_RULES, StalledRulesSchema } from '../../src/domain/stalled'
import scriptJson from '../../templates/intake-script.json'
import layoutJson from '../../templates/pdf-layout.json'
import rulesJson from '../../templates/routing-rules.json'
import stalledJson from '../../templates/stalled-rules.json'

/**
 * The bundled templates are not re-validated at every isolate start (start-up budget); this is where they
 * are validated instead: each schema must accept its template and return it unchanged, so the Worker may
 * use the JSON as it is.
 */
describe('bundled templates', () => {
  it('routing rules: valid and used as they are', () => {
    const parsed = parseRuleSet(rulesJson)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(parsed.value).toEqual(DEFAULT_RULES)
    expect(DEFAULT_RULES).toBe(rulesJson)
  })

  it('intake script: valid and used as it is', () => {
    const parsed = parseScript(scriptJson)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(parsed.value).toEqual(DEFAULT_SCRIPT)
    expect(DEFAULT_SCRIPT).toBe(scriptJson)
  })

  it('stalled rules: valid and used as they are', () => {
    const parsed = StalledRulesSchema.safeParse(stalledJson)
    expect(parsed.success).toBe(true)
    if (parsed.success) expect(parsed.data).toEqual(DEFAULT_STALLED_RULES)
  })

  it('PDF layout: valid and used as it is', () => {
    const parsed = parsePdfLayout(layoutJson)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(parsed.value).toEqual(DEFAULT_PDF_LAYOUT)
  })

  it('a broken template is refused (the check can fail)', () => {
    const broken = structuredClone(rulesJson) as { precedence: string[] }
    broken.precedence = ['MDA++']
    expect(parseRuleSet(broken).ok).toBe(false)
  })
})
