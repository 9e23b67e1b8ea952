/**
 * Files of a case: intake PDFs and attachments. Rows in D1 (`case_files`), encrypted objects in R2.
 * Implemented by `adapters/storage/case-files.ts`. The store never sees plaintext: objects arrive
 * encrypted, names and data keys arrive wrapped by the Cipher.
 */
export interface CaseFileStore {
  get(id: string): Promise<CaseFile | null>
  /** Attachments of a case, oldest first. */
  listAttachments(caseId: string): Promise<CaseFile[]>
  /** Stores the object and its row (a new id). */
  putAttachment(file: NewCaseFile, body: Uint8Array): Promise<void>
  /**
   * Replaces the case's PDF in one language: stores the new object, swaps the row only if it still
   * points at `previousR2Key` (null: no row yet), then deletes the old object. `false` when another
   * writer won the race (the new object is removed again; theirs stays).
   */
  swapPdf(file: NewCaseFile, body: Uint8Array, previousR2Key: string | null): Promise<boolean>
  /** The encrypted object, or null when it is gone. */
  readObject(r2Key: string): Promise<Uint8Array | null>
}

export type CaseFileKind = 'pdf' | 'attachment'

export interface CaseFile {
  id: string
  caseId: string
  kind: CaseFileKind
  lang: 'nl' | 'en' | null
  r2Key: string
  keyEnc: string
  nameEnc: string | null
  contentType: string
  size: number
  inputHash: string | null
  createdAt: string
  createdBy: string
}

export type NewCaseFile = CaseFile

/** The AAD of a file's object (binds the ciphertext to its row). */
export const fileObjectAad = (fileId: string, r2Key: string) => `file:${fileId}:${r2Key}`
/**
 * The AAD of a file's wrapped data key: it names the case, so the data key is wrapped by the case key
 * and erasure (destroying the case key) makes every copy of the R2 object unreadable (issue 14 §10).
 */
export const fileKeyAad = (caseId: string, fileId: string) => `case:${caseId}:file:${fileId}:key`
/** The AAD of an attachment's encrypted file name (under the case key). */
export const fileNameAad = (caseId: string, fileId: string) => `case:${caseId}:file:${fileId}:name`
/** The AADs of file keys and names written before case keys (`v1.` values, wrapped by the master key). */
export const legacyFileKeyAad = (fileId: string) => `file:${fileId}:key`
export const legacyFileNameAad = (fileId: string) => `file:${fileId}:name`
/** The AAD a stored file key was made with: legacy (`v1.`) or under the case key (`v2.`). */
export const storedFileKeyAad = (file: Pick<CaseFile, 'id' | 'caseId' | 'keyEnc'>) =>
  file.keyEnc.startsWith('v1.') ? legacyFileKeyAad(file.id) : fileKeyAad(file.caseId, file.id)
/** The AAD a stored file name was made with. */
export const storedFileNameAad = (file: Pick<CaseFile, 'id' | 'caseId'>, nameEnc: string) =>
  nameEnc.startsWith('v1.') ? legacyFileNameAad(file.id) : fileNameAad(file.caseId, file.id)
/** The id of a case's PDF row in one language. */
export const pdfFileId = (caseId: string, lang: 'nl' | 'en') => `pdf:${caseId}:${lang}`
