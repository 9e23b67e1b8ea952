// Makes sure poppler-utils (pdftotext, pdftoppm) is on the machine: the PDF tests read generated PDFs
// back with pdftotext, and scripts/pdf-sample-images.ts renders page images with pdftoppm. Installs it
// with apt-get when missing (needs root, as on these machines), like scripts/ensure-chromium.mjs.
import { execSync, spawnSync } from 'node:child_process'

const has = () => spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).status === 0

if (!has()) {
  console.log('ensure-poppler: pdftotext missing, installing poppler-utils…')
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils', {
    stdio: 'inherit',
    shell: '/bin/bash',
  })
}
if (!has()) {
  console.error('ensure-poppler: pdftotext is still missing')
  process.exit(1)
}
