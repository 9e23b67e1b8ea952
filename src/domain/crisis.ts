import { t } from './copy'
import type { Lang, Urgency } from './enums'

/**
 * Where to call in a crisis (DOMAIN.md §2, G1) and what an urgent receipt promises (issue 13 §2). The
 * national numbers (112, Veilig Thuis 0800-2000) are copy; the regional youth crisis service's number is
 * configuration (`YOUTH_CRISIS_PHONE`), passed in by the caller. Pure.
 */

/** The copy key of the G1 notice's crisis-service line; with a configured number it is replaced. */
export const G1_CRISIS_KEY = 'dialogue.notices.G1.crisis'

/** The crisis-service line: with the configured number, else "through your own crisis procedure". */
export function youthCrisisLine(lang: Lang, phone: string | null | undefined): string {
  const number = phone?.trim()
  return number ? t(lang, 'dialogue.crisis.youthPhone', { phone: number }) : t(lang, G1_CRISIS_KEY)
}

/** A body line of a notice: the G1 crisis-service line gets the configured number, any other key its copy. */
export function noticeLine(
  lang: Lang,
  key: string,
  params: Record<string, string | number>,
  phone: string | null | undefined,
): string {
  return key === G1_CRISIS_KEY ? youthCrisisLine(lang, phone) : t(lang, key, params)
}

/** The three numbers repeated on an urgent receipt: 112, Veilig Thuis and the regional youth crisis service. */
export function crisisLines(lang: Lang, phone: string | null | undefined): string[] {
  return [
    t(lang, 'dialogue.crisis.call112'),
    t(lang, 'dialogue.crisis.veiligThuis'),
    youthCrisisLine(lang, phone),
  ]
}

/** What a receipt says happens next, and the crisis numbers when the report is urgent. */
export interface ReceiptText {
  /** What happens next: a call back now (G1), today (`acuut`), soon (`spoed`) or within 3 working days. */
  next: string
  /** 112, Veilig Thuis, the crisis service: only for an urgent report (G1 or urgency `acuut`). */
  crisis: string[]
}

/**
 * The receipt's "what happens next". A spoedmelding (G1 fired) promises a call back now — that is why its
 * phone number is required — and never "within 3 working days"; an `acuut` urgency without G1 promises a look
 * today. Both repeat the crisis numbers.
 */
export function receiptText(
  lang: Lang,
  input: { acuteDanger: boolean; urgency: Urgency | null | undefined; youthCrisisPhone?: string | null },
): ReceiptText {
  const urgent = input.acuteDanger || input.urgency === 'acuut'
  const key = input.acuteDanger
    ? 'callBack'
    : input.urgency === 'acuut'
      ? 'today'
      : input.urgency === 'spoed'
        ? 'soon'
        : 'regular'
  return {
    next: t(lang, `dialogue.receipt.${key}`),
    crisis: urgent ? crisisLines(lang, input.youthCrisisPhone) : [],
  }
}

/**
 * Phone numbers in a text: 112 and Dutch numbers written with a dash or spaces (0800-2000, 0592 123 456,
 * 088-1234567). Used to make `tel:` links (web) and to keep a number on one line (chat, PDF).
 */
const PHONE = /(?<![\w-])(112|0\d{2,3}[- ]\d{2,3}(?: ?\d{2,4}){0,2})(?![\w-])/g

/** A piece of text, or a phone number with its `tel:` target. */
export type TextPart = { text: string } | { text: string; tel: string }

/** Splits a text into plain parts and phone numbers (`tel:` with digits only, e.g. `tel:08002000`). */
export function phoneParts(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(PHONE)) {
    const at = match.index ?? 0
    if (at > last) parts.push({ text: text.slice(last, at) })
    parts.push({ text: match[0], tel: `tel:${match[0].replace(/\D/g, '')}` })
    last = at + match[0].length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

/**
 * Keeps every phone number on one line where no markup is available (Teams, Slack, PDF): its dashes become
 * non-breaking hyphens (U+2011) and its spaces non-breaking spaces (U+00A0).
 */
export function keepPhonesTogether(text: string): string {
  return text.replace(PHONE, (n) => n.replace(/-/g, '\u2011').replace(/ /g, '\u00a0'))
}

/**
 * Every phone number in a text as a `tel:` link in the surface's own markup, its visible text kept on one
 * line (`keepPhonesTogether`): `link(shown, tel)` writes one link, e.g. `[0800‑2000](tel:08002000)` for
 * Teams card Markdown or `<tel:08002000|0800‑2000>` for Slack mrkdwn (issue 13 §2). The rest of the text
 * is left as it is, so it must be copy or already escaped for that markup.
 */
export function linkPhones(text: string, link: (shown: string, tel: string) => string): string {
  return phoneParts(text)
    .map((part) => ('tel' in part ? link(keepPhonesTogether(part.text), part.tel) : part.text))
    .join('')
}
