import { strToU8, type Zippable, zipSync } from 'fflate'
import type { ExportBundle } from '../../src/services/export'

/**
 * The export archive (issue 14 §11) as one zip, built with fflate (docs/dependencies.md):
 * `case.json` (state, every intake field, pseudonym, timeline, routing, file list), `audit.json` (who
 * viewed, downloaded, changed or exported the case), `README.txt`, and the decrypted PDFs
 * (`pdf/…`) and attachments (`attachments/…`). Files that are already compressed are stored as is.
 */
export function buildCaseArchive(bundle: ExportBundle, readme: string): Uint8Array {
  const mtime = new Date(bundle.data.exportedAt)
  const { audit, ...kase } = bundle.data
  const entries: Zippable = {
    'README.txt': strToU8(readme),
    'case.json': strToU8(JSON.stringify(kase, null, 2)),
    'audit.json': strToU8(JSON.stringify(audit, null, 2)),
  }
  for (const file of bundle.files) entries[file.path] = [file.bytes, { level: 0 }]
  return zipSync(entries, { level: 6, mtime })
}
