import { describe, expect, it } from 'vitest'
import { buildAnswerModal, buildQuestionMessage, escapeMrkdwnText } from '../../adapters/slack/cards'
import { buildQuestionCard, buildStatusCard, escapeCardMarkdown } from '../../adapters/teams/cards'

/** Issue 14 §9: what a person typed shows as typed on each surface, never as a link or formatting. */

const LINK = '[klik](https://x)'
const texts = (value: unknown): string[] => {
  const out: string[] = []
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  walk(value)
  return out
}

describe('Teams: Adaptive Card Markdown', () => {
  it('escapes links, emphasis, code, lists and headings', () => {
    expect(escapeCardMarkdown(LINK)).toBe('\\[klik\\]\\(https://x\\)')
    expect(escapeCardMarkdown('**vet** _schuin_ `code` ![img](u)')).toBe(
      '\\*\\*vet\\*\\* \\_schuin\\_ \\`code\\` \\!\\[img\\]\\(u\\)',
    )
    expect(escapeCardMarkdown('- punt\n+ punt\n12. genummerd\n# kop')).toBe(
      '\\- punt\n\\+ punt\n12\\. genummerd\n\\# kop',
    )
    expect(escapeCardMarkdown('C:\\pad <b>')).toBe('C:\\\\pad \\<b\\>')
    // Ordinary text is left alone.
    expect(escapeCardMarkdown('Woont J. nog thuis? Ja - soms, 3.5 dagen.')).toBe(
      'Woont J. nog thuis? Ja - soms, 3.5 dagen.',
    )
  })

  it('the question card and the status reason carry the escaped text, never the raw link', () => {
    const question = buildQuestionCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      questionId: '3',
      question: `Zie ${LINK} voor het verslag`,
    })
    const status = buildStatusCard({
      lang: 'nl',
      reference: 'RET-2026-0042',
      status: 'declined',
      reason: `Afgewezen, lees ${LINK}`,
    })
    for (const card of [question, status]) {
      const all = texts(card)
      expect(all.some((s) => s.includes('\\[klik\\]\\(https://x\\)'))).toBe(true)
      expect(all.some((s) => s.includes(LINK))).toBe(false)
    }
  })
})

describe('Slack: mrkdwn', () => {
  it('escapes &, <, > and neutralises *, _, ~ and ` ; a leading > does not quote', () => {
    expect(escapeMrkdwnText('<https://evil.example|klik> & <!channel>')).toBe(
      '&lt;https://evil.example|klik&gt; &amp; &lt;!channel&gt;',
    )
    expect(escapeMrkdwnText('*vet*')).toBe('<!date^00000000^{_}|*>vet<!date^00000000^{_}|*>')
    const escaped = escapeMrkdwnText('_a_ ~b~ `c`')
    // Outside the date tokens (shown as their plain fallback) no formatting character is left.
    expect(escaped.replace(/<!date\^00000000\^\{_\}\|[*_~`]>/g, '')).toBe('a b c')
    expect(escapeMrkdwnText('> citaat')).toBe('\u00ad&gt; citaat')
    expect(escapeMrkdwnText('Gewone tekst, 3.5 dagen.')).toBe('Gewone tekst, 3.5 dagen.')
  })

  it('the question message and answer modal quote the chair text escaped', () => {
    const question = `Zie <https://evil.example|${LINK}> en *dit*`
    const message = buildQuestionMessage(
      { reference: 'RET-2026-0042', version: 3, items: [], question },
      'nl',
    )
    const modal = buildAnswerModal({ reference: 'RET-2026-0042', version: 3, question }, 'nl')
    for (const built of [message.blocks, modal.blocks]) {
      const all = texts(built)
      expect(all.some((s) => s.includes('&lt;https://evil.example|'))).toBe(true)
      expect(all.some((s) => s.includes('<https://evil.example|'))).toBe(false)
      expect(all.some((s) => s.includes('*dit*'))).toBe(false)
    }
  })
})
