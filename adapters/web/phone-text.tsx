/** @jsxImportSource hono/jsx */
import { phoneParts } from '../../src/domain/crisis'

/**
 * A text with every phone number as a `tel:` link that never breaks across lines (class `tel`:
 * `white-space: nowrap`), so "0800-2000" on a phone is one tap and one line (issue 13 §2).
 */
export function PhoneText({ text }: { text: string }) {
  return (
    <>
      {phoneParts(text).map((part) =>
        'tel' in part ? (
          <a class="tel" href={part.tel}>
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  )
}
