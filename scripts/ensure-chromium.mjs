// Makes sure Debian's chromium is on the machine for the Playwright tests (playwright-core never
// downloads a browser here). Installs it with apt-get when missing; needs root, as on these machines.
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

if (!existsSync(CHROMIUM)) {
  console.log(`ensure-chromium: ${CHROMIUM} missing, installing Debian's chromium…`)
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: 'inherit',
    shell: '/bin/bash',
  })
}
if (!existsSync(CHROMIUM)) {
  console.error(`ensure-chromium: ${CHROMIUM} is still missing`)
  process.exit(1)
}
