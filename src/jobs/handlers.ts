import type { CaseChannel } from '../ports/case-channel'
import type { CaseFileStore } from '../ports/case-files'
import type { Notifier } from '../ports/notifier'
import type { PdfRenderer } from '../ports/pdf-renderer'
import type { Deps } from '../services/deps'
import type { DigestStore } from '../services/digest-store'
import type { EraseDeps } from '../services/erase'
import type { JobMessage, JobTypes } from './messages'

/**
 * What jobs act through, built by the one wiring point (src/wiring) for each batch: jobs construct
 * no adapter and hold no SQL.
 */
export interface JobPorts {
  /** Everything a person (or the chairs' channel) receives. */
  notifier: Notifier
  /** The chairs' case card. */
  channel: CaseChannel
  /** Digest snapshots, deliveries and reminder claims. */
  digestStore: DigestStore
  /** Erasure, retention and key rotation. */
  privacy: EraseDeps
  /** Case files (PDFs, attachments) and the PDF renderer. */
  caseFiles: CaseFileStore
  pdf: PdfRenderer
}

/** What a job handler gets besides its message. */
export interface JobContext {
  deps: Deps
  ports: JobPorts
  /** Delivery attempt, from 1. */
  attempt: number
}

export type JobHandler<J> = (job: J, context: JobContext) => Promise<void>

/** A dead-lettered message: its type and id only (the body is not trusted, nor logged). */
export interface DeadLetter {
  type: string | null
  id: string | null
}

export type DeadLetterHandler = (letter: DeadLetter, context: Omit<JobContext, 'attempt'>) => Promise<void>

interface Entry {
  name: string
  handle: JobHandler<JobMessage>
}

/**
 * Message type → handlers. Several areas may handle the same type (the chairs' card, the PDF, the
 * referrer's confirmation all follow `case.submitted`); each handler has a stable name and runs at most
 * once per job id, so a retry caused by one handler does not repeat the others. The Worker's registry is
 * filled in one place, src/wiring/jobs.ts; importing a job module registers nothing.
 */
export class JobRegistry {
  private readonly byType = new Map<string, Entry[]>()
  private readonly deadLetterHandlers: { name: string; handle: DeadLetterHandler }[] = []

  /** Adds a handler; a second registration under the same type and name replaces the first. */
  register<K extends keyof JobTypes & string>(type: K, name: string, handle: JobHandler<JobTypes[K]>): void
  register(type: string, name: string, handle: JobHandler<JobMessage>): void
  register(type: string, name: string, handle: JobHandler<never>): void {
    const list = (this.byType.get(type) ?? []).filter((e) => e.name !== name)
    list.push({ name, handle: handle as JobHandler<JobMessage> })
    this.byType.set(type, list)
  }

  /** Handlers of a type, in registration order. */
  handlersFor(type: string): readonly Entry[] {
    return this.byType.get(type) ?? []
  }

  /** The message types that have a handler. */
  types(): string[] {
    return [...this.byType.keys()]
  }

  /** Adds a dead-letter hook (e.g. alert the chairs once); runs once per dead job id. */
  onDeadLetter(name: string, handle: DeadLetterHandler): void {
    const i = this.deadLetterHandlers.findIndex((h) => h.name === name)
    if (i >= 0) this.deadLetterHandlers.splice(i, 1)
    this.deadLetterHandlers.push({ name, handle })
  }

  deadLetterHooks(): readonly { name: string; handle: DeadLetterHandler }[] {
    return this.deadLetterHandlers
  }
}
