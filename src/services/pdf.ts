import { fromBase64Url, randomToken, toBase64Url } from '../auth/hmac'
import type { Lang } from '../domain/enums'
import type { Intake } from '../domain/intake'
import { regionOf } from '../domain/region'
import { buildReport, DEFAULT_PDF_LAYOUT, type ReportAttachment, type ReportEvent } from '../domain/report'
import { route } from '../domain/routing'
import { logger } from '../logger'
import {
  type CaseFile,
  type CaseFileStore,
  fileKeyAad,
  fileObjectAad,
  pdfFileId,
  storedFileKeyAad,
  storedFileNameAad,
} from '../ports/case-files'
import type { CaseRecord } from '../ports/case-store'
import { type Cipher, eventAad, intakeAad } from '../ports/cipher'
import type { PdfRenderer } from '../ports/pdf-renderer'
import { sha256Hex, stableStringify } from './cases'
import type { Deps } from './deps'

/**
 * The intake PDF of a case (issue 3): rendered on the queue after submit and again whenever what it
 * shows changes (a lifecycle event, a new routing decision, an attachment), stored encrypted in R2
 * under a random key. Idempotent: the SHA-256 of everything the PDF shows is kept with it, and an
 * unchanged case is not rendered again, so retries and duplicate jobs cost one D1 read.
 */

/** Bump when the renderer changes what an unchanged case looks like: all PDFs re-render. */
export const PDF_FORMAT_VERSION = 1

// A changed layout template (templates/pdf-layout.json) re-renders every PDF as well.
let layoutFingerprint: string | undefined
const layoutOf = () => {
  layoutFingerprint ??= stableStringify(DEFAULT_PDF_LAYOUT)
  return layoutFingerprint
}

const encoder = new TextEncoder()

/**
 * Encrypts a file with its own AES-256-GCM key; that key is wrapped under the case's key (its AAD names
 * the case), so erasing the case makes every copy of the object unreadable (issue 14 §10).
 */
export async function encryptFile(
  cipher: Cipher,
  caseId: string,
  fileId: string,
  r2Key: string,
  bytes: Uint8Array,
): Promise<{ body: Uint8Array; keyEnc: string }> {
  const raw = crypto.getRandomValues(new Uint8Array(32))
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt'])
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(fileObjectAad(fileId, r2Key)) },
    key,
    bytes,
  )
  const body = new Uint8Array(12 + sealed.byteLength)
  body.set(iv, 0)
  body.set(new Uint8Array(sealed), 12)
  return { body, keyEnc: await cipher.encryptJson(toBase64Url(raw), fileKeyAad(caseId, fileId)) }
}

/** Decrypts a file made by `encryptFile`; throws when the object, key or row do not belong together. */
export async function decryptFile(cipher: Cipher, file: CaseFile, body: Uint8Array): Promise<Uint8Array> {
  const raw = fromBase64Url(await cipher.decryptJson<string>(file.keyEnc, storedFileKeyAad(file)))
  if (raw?.length !== 32 || body.length < 28) throw new Error('file: malformed')
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt'])
  const plain = await crypto.subtle.decrypt(
    {
      name: 'AES-GCM',
      iv: body.subarray(0, 12),
      additionalData: encoder.encode(fileObjectAad(file.id, file.r2Key)),
    },
    key,
    body.subarray(12),
  )
  return new Uint8Array(plain)
}

/** A random, unguessable object key (no reference, no case id in it). */
export function newObjectKey(): string {
  return `files/${randomToken(24)}`
}

/** The languages a case's PDF is made in: Dutch for the RET, plus English when the referrer wrote in English. */
export function pdfLanguages(intake: Intake): Lang[] {
  return intake.language === 'en' ? ['nl', 'en'] : ['nl']
}

async function timelineOf(deps: Deps, record: CaseRecord): Promise<ReportEvent[]> {
  const events = await deps.store.listEvents(record.id)
  return Promise.all(
    events.map(async (e) => ({
      type: e.type,
      at: e.at,
      to: e.to,
      ...(e.dataEnc === null
        ? {}
        : {
            data: await deps.cipher.decryptJson<Record<string, unknown>>(
              e.dataEnc,
              eventAad(record.id, e.seq),
            ),
          }),
    })),
  )
}

/** The attachments of a case as the PDF lists them (names decrypted). */
export async function listReportAttachments(
  deps: Deps,
  files: CaseFileStore,
  caseId: string,
): Promise<(ReportAttachment & { id: string })[]> {
  const rows = await files.listAttachments(caseId)
  return Promise.all(
    rows.map(async (f) => ({
      id: f.id,
      name:
        f.nameEnc === null
          ? f.id
          : await deps.cipher.decryptJson<string>(f.nameEnc, storedFileNameAad(f, f.nameEnc)),
      contentType: f.contentType,
      size: f.size,
      uploadedAt: f.createdAt,
    })),
  )
}

export interface PdfOutcome {
  lang: Lang
  status: 'rendered' | 'unchanged' | 'lost_race'
}

/**
 * Brings the PDFs of a case up to date (each language of `pdfLanguages`). Skips a language whose stored
 * PDF shows exactly the current case. Returns what it did; nothing for an unknown reference.
 */
export async function processCasePdf(
  deps: Deps,
  files: CaseFileStore,
  reference: string,
  pdf: PdfRenderer,
): Promise<PdfOutcome[]> {
  const record = await deps.store.getByReference(reference)
  if (!record) return []
  const intake = await deps.cipher.decryptJson<Intake>(record.intakeEnc, intakeAad(record.id))
  const submittedAt = record.submittedAt ? new Date(record.submittedAt) : null
  const [routing, timeline, attachments] = await Promise.all([
    deps.store.listRouting(record.id),
    timelineOf(deps, record),
    listReportAttachments(deps, files, record.id),
  ])
  const decision =
    routing.at(-1)?.decision ?? route(intake, regionOf(deps.config).rules, submittedAt ?? deps.clock())
  // The first PDF needs no timeline ("submitted" is in the summary); a re-generated one shows it all.
  const events = timeline.length > 1 ? timeline : []
  const shown = attachments.map(({ id: _id, ...a }) => a)

  const outcomes: PdfOutcome[] = []
  for (const lang of pdfLanguages(intake)) {
    const inputHash = await sha256Hex(
      stableStringify({
        v: PDF_FORMAT_VERSION,
        layout: layoutOf(),
        reference,
        submittedAt: record.submittedAt,
        intake,
        decision,
        events,
        attachments: shown,
        lang,
      }),
    )
    const id = pdfFileId(record.id, lang)
    const current = await files.get(id)
    if (current?.inputHash === inputHash) {
      outcomes.push({ lang, status: 'unchanged' })
      continue
    }
    const started = Date.now()
    const generatedAt = deps.clock()
    const model = buildReport({
      intake,
      decision,
      reference,
      submittedAt,
      events,
      attachments: shown,
      generatedAt,
      lang,
    })
    const bytes = await pdf.render(model)
    const r2Key = newObjectKey()
    const { body, keyEnc } = await encryptFile(deps.cipher, record.id, id, r2Key, bytes)
    const swapped = await files.swapPdf(
      {
        id,
        caseId: record.id,
        kind: 'pdf',
        lang,
        r2Key,
        keyEnc,
        nameEnc: null,
        contentType: 'application/pdf',
        size: bytes.length,
        inputHash,
        createdAt: generatedAt.toISOString(),
        createdBy: 'system',
      },
      body,
      current?.r2Key ?? null,
    )
    outcomes.push({ lang, status: swapped ? 'rendered' : 'lost_race' })
    logger.info('pdf_rendered', { reference, phase: lang, ms: Date.now() - started, count: bytes.length })
  }
  return outcomes
}

/** A decrypted file ready to send. */
export interface LoadedFile {
  bytes: Uint8Array
  contentType: string
  /** The download name: the reference only, never the uploaded name (it may name a person). */
  fileName: string
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
}

/**
 * Loads a case's file by its link designator: `pdf:nl` / `pdf:en` (rendered now if the queue has not
 * done it yet; Dutch when the case has no PDF in that language) or `att:<id>`. Null when there is none.
 */
export async function loadCaseFile(
  deps: Deps,
  files: CaseFileStore,
  record: CaseRecord,
  designator: string,
  pdf: PdfRenderer,
): Promise<LoadedFile | null> {
  let file: CaseFile | null = null
  let fileName = `${record.reference}.pdf`
  if (designator === 'pdf:nl' || designator === 'pdf:en') {
    const lang = designator.slice(4) as Lang
    const find = async () =>
      (await files.get(pdfFileId(record.id, lang))) ?? (await files.get(pdfFileId(record.id, 'nl')))
    file = await find()
    if (!file) {
      await processCasePdf(deps, files, record.reference, pdf)
      file = await find()
    }
  } else if (designator.startsWith('att:')) {
    const found = await files.get(designator.slice(4))
    if (found && found.caseId === record.id && found.kind === 'attachment') {
      file = found
      const siblings = await files.listAttachments(record.id)
      const n = siblings.findIndex((f) => f.id === found.id) + 1
      fileName = `${record.reference}-bijlage-${n}.${EXTENSIONS[found.contentType] ?? 'bin'}`
    }
  }
  if (!file) return null
  const body = await files.readObject(file.r2Key)
  if (!body) return null
  return { bytes: await decryptFile(deps.cipher, file, body), contentType: file.contentType, fileName }
}

/** The job that re-renders a case's PDF outside the lifecycle (e.g. after an attachment). */
export const pdfGenerateJob = (reference: string, cause: string) => ({
  type: 'pdf.generate' as const,
  id: `pdf.generate:${reference}:${cause}`,
  reference,
})
