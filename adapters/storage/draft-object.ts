import { DurableObject } from 'cloudflare:workers'

/** One intake conversation's draft: the single writer for that conversation (DESIGN.md §2). */
export class DraftObject extends DurableObject<Env> {}
