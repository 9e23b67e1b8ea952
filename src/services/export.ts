import type { Bilingual } from '../domain/copy'
import { both } from '../domain/copy'
import type { Intake } from '../domain/intake'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { type CaseFile, type CaseFileStore, pdfFileId, storedFileNameAad } from '../ports/case-files'
import type { AuditEntry } from '../ports/case-store'
import { eventAad, intakeAad, pseudonymAad } from '../ports/cipher'
import { authorize, buildAuditEntry } from './access'
import type { Deps } from './deps'
import { decryptFile } from './pdf'

/**
 * Right of access (AVG art. 15; issue 14 §11): everything held about one case for an authorised admin —
 * the lifecycle state, every intake field decrypted, the pseudonym, the timeline with its data, the
 * routing advice, the PDFs and attachments (decrypted) and the audit log of who viewed, downloaded,
 * changed or exported it (this export included). The admin API serves it as JSON (no file bytes) or as
 * one zip archive (`adapters/export/zip.ts`).
 */

/** One file of the case as listed in `case.json`; `path` is its place in the archive (null: object gone). */
export interface ExportedFileEntry {
  id: string
  kind: CaseFile['kind']
  lang: CaseFile['lang']
  name: string
  contentType: string
  size: number
  createdAt: string
  createdBy: string
  path: string | null
}

export interface CaseExport {
  reference: string
  exportedAt: string
  state: Record<string, unknown>
  intake: Intake
  pseudonym: string | null
  timeline: Record<string, unknown>[]
  routing: { at: string; decision: unknown }[]
  files: ExportedFileEntry[]
  audit: AuditEntry[]
}

export interface ExportBundle {
  data: CaseExport
  /** The decrypted files, by archive path. */
  files: { path: string; bytes: Uint8Array }[]
}

export type ExportResult =
  | { ok: true; bundle: ExportBundle }
  | { ok: false; code: 'not_found' | 'forbidden'; message: Bilingual }

/** A file name safe in a zip on every system: no path, no control characters. */
function safeName(name: string): string {
  return (
    name
      .replace(/[\p{Cc}/\\:*?"<>|]/gu, '_')
      .replace(/^\.+/, '')
      .slice(0, 120) || 'bestand'
  )
}

export async function runExportCase(
  deps: Deps,
  files: CaseFileStore,
  input: { reference: string; actor: Actor; requestId?: string | null; withFiles: boolean },
): Promise<ExportResult> {
  const { reference, actor } = input
  const requestId = input.requestId ?? null
  const record = await deps.store.getByReference(reference)
  if (!record) return { ok: false, code: 'not_found', message: both('privacy.erase.notFound', { reference }) }
  if (!(await authorize(deps, { actor, action: 'case.export', kase: record, reference, requestId }))) {
    return { ok: false, code: 'forbidden', message: both('privacy.errors.forbidden') }
  }
  const now = deps.clock()
  // Audited first, so the export lists itself in the log it hands over.
  await deps.store.audit(
    buildAuditEntry(now, actor, 'export', reference, {
      requestId,
      detail: input.withFiles ? 'archive' : null,
    }),
  )
  const { id, intakeEnc, pseudonymEnc, ...state } = record
  const events = await deps.store.listEvents(id)
  const rows = [
    ...(await Promise.all((['nl', 'en'] as const).map((lang) => files.get(pdfFileId(id, lang))))).filter(
      (f): f is CaseFile => f !== null,
    ),
    ...(await files.listAttachments(id)),
  ]
  const bytes: ExportBundle['files'] = []
  const listed: ExportedFileEntry[] = []
  for (const [i, file] of rows.entries()) {
    const name =
      file.kind === 'pdf'
        ? `${reference}-${file.lang ?? 'nl'}.pdf`
        : file.nameEnc === null
          ? file.id
          : await deps.cipher.decryptJson<string>(file.nameEnc, storedFileNameAad(file, file.nameEnc))
    let path: string | null = null
    if (input.withFiles) {
      const body = await files.readObject(file.r2Key)
      if (body) {
        path =
          file.kind === 'pdf' ? `pdf/${name}` : `attachments/${String(i).padStart(2, '0')}-${safeName(name)}`
        bytes.push({ path, bytes: await decryptFile(deps.cipher, file, body) })
      }
    }
    listed.push({
      id: file.id,
      kind: file.kind,
      lang: file.lang,
      name,
      contentType: file.contentType,
      size: file.size,
      createdAt: file.createdAt,
      createdBy: file.createdBy,
      path,
    })
  }
  const data: CaseExport = {
    reference,
    exportedAt: now.toISOString(),
    state,
    intake: await deps.cipher.decryptJson<Intake>(intakeEnc, intakeAad(id)),
    pseudonym:
      pseudonymEnc === null ? null : await deps.cipher.decryptJson<string>(pseudonymEnc, pseudonymAad(id)),
    timeline: await Promise.all(
      events.map(async ({ dataEnc, caseId: _c, ...event }) => ({
        ...event,
        data: dataEnc === null ? null : await deps.cipher.decryptJson(dataEnc, eventAad(id, event.seq)),
      })),
    ),
    routing: await deps.store.listRouting(id),
    files: listed,
    audit: await deps.store.listAudit({ reference, limit: 10_000 }),
  }
  logger.info('case_exported', { reference, count: bytes.length })
  return { ok: true, bundle: { data, files: bytes } }
}
