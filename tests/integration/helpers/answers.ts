import { WEB_ANSWERS } from '../web-answers'

/**
 * The answers of dialogue `i`: the shared web answers with a marker in every free-text field, so a case
 * shows which dialogue it came from. Plain TypeScript: the load test (workerd) and the bench (Node) share it.
 */
/**
 * The child's initial of dialogue `i`: "K" and two letters (KAA., KAB., …), unique for i < 676 and a valid
 * initial (one word of at most 3 letters).
 */
export function initialFor(i: number): string {
  const letter = (n: number) => String.fromCharCode(65 + (n % 26))
  return `K${letter(Math.floor(i / 26))}${letter(i)}.`
}

export function answersFor(i: number): Record<string, Record<string, string | string[]>> {
  return {
    ...WEB_ANSWERS,
    referrer: { ...WEB_ANSWERS.referrer, 'referrer.name': `Verwijzer Nummer ${i}` },
    child: { ...WEB_ANSWERS.child, 'child.pseudonym': initialFor(i) },
    question: { ...WEB_ANSWERS.question, question: `Welke route past bij jongere ${i}? (#${i}#)` },
  }
}

/** The dialogue number in a case's question, or null. */
export function markerOf(question: string): number | null {
  const m = question.match(/\(#(\d+)#\)/)
  return m ? Number(m[1]) : null
}
