// Builds the sideloadable Teams app package: `TEAMS_APP_ID=… BOT_DOMAIN=… node teams-app/package.mjs`
// → dist/teams-app.zip (manifest.json with the placeholders filled, en-us.json, color.png, outline.png).
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

const values = { TEAMS_APP_ID: process.env.TEAMS_APP_ID, BOT_DOMAIN: process.env.BOT_DOMAIN }
for (const [name, value] of Object.entries(values)) {
  if (!value) {
    console.error(`Set ${name} (see docs/teams.md).`)
    process.exit(1)
  }
}
if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.TEAMS_APP_ID)) {
  console.error("TEAMS_APP_ID must be the bot registration's app (client) id, a GUID.")
  process.exit(1)
}
const src = new URL('./', import.meta.url)
const out = new URL('../dist/teams-app/', import.meta.url)
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const manifest = readFileSync(new URL('manifest.json', src), 'utf8').replace(
  /\$\{\{(\w+)\}\}/g,
  (_, name) => values[name] ?? '',
)
JSON.parse(manifest)
writeFileSync(new URL('manifest.json', out), manifest)
for (const f of ['en-us.json', 'color.png', 'outline.png']) copyFileSync(new URL(f, src), new URL(f, out))
execFileSync(
  'zip',
  ['-q', '-j', '../teams-app.zip', 'manifest.json', 'en-us.json', 'color.png', 'outline.png'],
  {
    cwd: out,
  },
)
process.stdout.write('dist/teams-app.zip\n')
