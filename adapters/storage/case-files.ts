import type { CaseFile, CaseFileKind, CaseFileStore, NewCaseFile } from '../../src/ports/case-files'

interface FileRow {
  id: string
  case_id: string
  kind: string
  lang: string | null
  r2_key: string
  key_enc: string
  name_enc: string | null
  content_type: string
  size: number
  input_hash: string | null
  created_at: string
  created_by: string
}

function fromRow(row: FileRow): CaseFile {
  return {
    id: row.id,
    caseId: row.case_id,
    kind: row.kind as CaseFileKind,
    lang: row.lang === 'nl' || row.lang === 'en' ? row.lang : null,
    r2Key: row.r2_key,
    keyEnc: row.key_enc,
    nameEnc: row.name_enc,
    contentType: row.content_type,
    size: row.size,
    inputHash: row.input_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
  }
}

const COLUMNS =
  'id, case_id, kind, lang, r2_key, key_enc, name_enc, content_type, size, input_hash, created_at, created_by'

function values(f: NewCaseFile): unknown[] {
  return [
    f.id,
    f.caseId,
    f.kind,
    f.lang,
    f.r2Key,
    f.keyEnc,
    f.nameEnc,
    f.contentType,
    f.size,
    f.inputHash,
    f.createdAt,
    f.createdBy,
  ]
}

/** `case_files` rows in D1, encrypted objects in R2 (binding FILES). */
export class D1R2CaseFileStore implements CaseFileStore {
  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
  ) {}

  async get(id: string): Promise<CaseFile | null> {
    const row = await this.db
      .prepare(`SELECT ${COLUMNS} FROM case_files WHERE id = ?1`)
      .bind(id)
      .first<FileRow>()
    return row ? fromRow(row) : null
  }

  async listAttachments(caseId: string): Promise<CaseFile[]> {
    const { results } = await this.db
      .prepare(
        `SELECT ${COLUMNS} FROM case_files WHERE case_id = ?1 AND kind = 'attachment' ORDER BY created_at, id`,
      )
      .bind(caseId)
      .all<FileRow>()
    return results.map(fromRow)
  }

  async putAttachment(file: NewCaseFile, body: Uint8Array): Promise<void> {
    await this.bucket.put(file.r2Key, body)
    try {
      await this.db
        .prepare(
          `INSERT INTO case_files (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)`,
        )
        .bind(...values(file))
        .run()
    } catch (error) {
      await this.bucket.delete(file.r2Key)
      throw error
    }
  }

  async swapPdf(file: NewCaseFile, body: Uint8Array, previousR2Key: string | null): Promise<boolean> {
    await this.bucket.put(file.r2Key, body)
    let changed: number
    try {
      const result =
        previousR2Key === null
          ? await this.db
              .prepare(
                `INSERT OR IGNORE INTO case_files (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)`,
              )
              .bind(...values(file))
              .run()
          : await this.db
              .prepare(
                `UPDATE case_files SET r2_key = ?2, key_enc = ?3, size = ?4, input_hash = ?5, created_at = ?6,
                   created_by = ?7 WHERE id = ?1 AND r2_key = ?8`,
              )
              .bind(
                file.id,
                file.r2Key,
                file.keyEnc,
                file.size,
                file.inputHash,
                file.createdAt,
                file.createdBy,
                previousR2Key,
              )
              .run()
      changed = result.meta.changes ?? 0
    } catch (error) {
      await this.bucket.delete(file.r2Key)
      throw error
    }
    if (changed === 0) {
      await this.bucket.delete(file.r2Key)
      return false
    }
    if (previousR2Key !== null) await this.bucket.delete(previousR2Key)
    return true
  }

  async readObject(r2Key: string): Promise<Uint8Array | null> {
    const object = await this.bucket.get(r2Key)
    return object ? new Uint8Array(await object.arrayBuffer()) : null
  }
}

/** The file store of the Worker's bindings. */
export function buildCaseFileStore(env: Env): CaseFileStore {
  return new D1R2CaseFileStore(env.DB, env.FILES)
}
