import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCommand } from '../../adapters/teams/activity'

const dir = new URL('../../teams-app/', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'))
const english = JSON.parse(readFileSync(new URL('en-us.json', dir), 'utf8'))

function pngSize(file: string): { width: number; height: number } {
  const buf = readFileSync(new URL(file, dir))
  expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG')
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) }
}

describe('Teams app package', () => {
  it('has the icon sizes Teams requires', () => {
    expect(pngSize(manifest.icons.color)).toEqual({ width: 192, height: 192 })
    expect(pngSize(manifest.icons.outline)).toEqual({ width: 32, height: 32 })
  })

  it('declares a personal- and team-scope bot whose app id is filled in at packaging time', () => {
    expect(manifest.bots).toHaveLength(1)
    expect(manifest.bots[0].scopes).toEqual(['personal', 'team'])
    const placeholder = `$${'{{TEAMS_APP_ID}}'}`
    expect(manifest.bots[0].botId).toBe(placeholder)
    expect(manifest.id).toBe(placeholder)
  })

  it('lists commands the bot understands, in Dutch and (localised) English', () => {
    const commands: { title: string }[] = manifest.bots[0].commandLists[0].commands
    commands.forEach((c, i) => {
      const nl = parseCommand(c.title)
      const en = parseCommand(english[`bots[0].commandLists[0].commands[${i}].title`])
      expect(nl, c.title).not.toBeNull()
      expect(en?.type, c.title).toBe(nl?.type)
    })
  })
})
