import { randomToken } from '../auth/hmac'
import { actorKey } from '../domain/lifecycle'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { type CaseFileStore, fileNameAad } from '../ports/case-files'
import type { CaseRecord } from '../ports/case-store'
import type { Deps } from './deps'
import { encryptFile, newObjectKey, pdfGenerateJob } from './pdf'

/**
 * Attachments of a case: the shared explanatory analysis (PDF, DOCX or an image), at most 10 MB, its
 * type checked by content (magic bytes), never by the name or the browser's Content-Type. Stored
 * encrypted in R2 next to the PDF; the PDF is re-rendered to list it.
 */

/** The largest attachment: 10 MB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((b, i) => bytes[offset + i] === b)
}

function containsAscii(bytes: Uint8Array, text: string, limit: number): boolean {
  const needle = Array.from(text, (c) => c.charCodeAt(0))
  const end = Math.min(bytes.length, limit) - needle.length
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/**
 * The content type of a file by its first bytes: PDF, DOCX (a ZIP holding `word/document.xml` and
 * `[Content_Types].xml`), PNG, JPEG, GIF or WebP. Null for anything else — including a renamed
 * executable, a plain ZIP or an old .doc.
 */
export function sniffContentType(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39))
    return 'image/gif'
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'image/webp'
  if (
    startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) &&
    containsAscii(bytes, '[Content_Types].xml', bytes.length) &&
    containsAscii(bytes, 'word/document.xml', bytes.length)
  ) {
    return DOCX
  }
  return null
}

export type AttachResult =
  | { ok: true; id: string; contentType: string }
  | { ok: false; code: 'empty' | 'too_large' | 'unsupported' }

export interface AttachInput {
  record: CaseRecord
  actor: Pick<Actor, 'surface' | 'tenant' | 'userId'>
  /** The name as uploaded (personal data: stored encrypted, never logged). */
  name: string
  bytes: Uint8Array
  requestId?: string | null
}

/** Stores an attachment encrypted, audits it and asks for the PDF to be re-rendered. */
export async function runAttachFile(
  deps: Deps,
  files: CaseFileStore,
  input: AttachInput,
): Promise<AttachResult> {
  const { record, bytes } = input
  if (bytes.length === 0) return { ok: false, code: 'empty' }
  if (bytes.length > MAX_ATTACHMENT_BYTES) return { ok: false, code: 'too_large' }
  const contentType = sniffContentType(bytes)
  if (!contentType) return { ok: false, code: 'unsupported' }

  const id = randomToken(18)
  const r2Key = newObjectKey()
  const { body, keyEnc } = await encryptFile(deps.cipher, record.id, id, r2Key, bytes)
  const name =
    input.name
      .normalize('NFC')
      .replace(/\p{Cc}/gu, '')
      .trim()
      .slice(0, 200) || 'bijlage'
  const now = deps.clock().toISOString()
  const who = actorKey(input.actor)
  await files.putAttachment(
    {
      id,
      caseId: record.id,
      kind: 'attachment',
      lang: null,
      r2Key,
      keyEnc,
      nameEnc: await deps.cipher.encryptJson(name, fileNameAad(record.id, id)),
      contentType,
      size: bytes.length,
      inputHash: null,
      createdAt: now,
      createdBy: who,
    },
    body,
  )
  await deps.store.audit({
    at: now,
    actorKey: who,
    surface: input.actor.surface,
    action: 'change',
    reference: record.reference,
    requestId: input.requestId ?? null,
    detail: `attachment_added:${contentType}`,
  })
  logger.info('attachment_added', { reference: record.reference, count: bytes.length })
  await deps.queue.send(pdfGenerateJob(record.reference, `att:${id}`))
  return { ok: true, id, contentType }
}
