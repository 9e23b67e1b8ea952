import { z } from 'zod'
import { type DeploySurface, REQUIRED_SECRETS } from '../../src/config'

/**
 * A region's deployment description: `templates/regions/<id>/deploy.json`. One deployment per region (each
 * region is its own data controller, usually in its own Cloudflare account); the names say which resources
 * in that account belong to it, so that several regions can also share one hosting account.
 */
const REGION_ID = /^[a-z][a-z0-9-]{1,40}$/
const SECRET_NAMES = new Set<string>(Object.values(REQUIRED_SECRETS).flat())

/** Worker, D1 database and queue names: lower case letters, digits and dashes (Cloudflare's rules). */
const resourceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/, 'lower case letters, digits and dashes, 2–63 characters')

export const SURFACES = ['web', 'api', 'slack', 'teams'] as const satisfies readonly DeploySurface[]

/** Data-residency jurisdiction of D1 and R2 (`eu` keeps personal data inside the EU). */
const jurisdiction = z.enum(['eu', 'fedramp']).optional()

export const DeployDescriptionSchema = z
  .strictObject({
    /** The region pack id; the same as the folder name. */
    region: z.string().regex(REGION_ID, 'a region id: lower case letters, digits and dashes'),
    /** The Worker's name (its `*.workers.dev` subdomain and the name `wrangler secret` uses). */
    worker: resourceName,
    d1: z.strictObject({ name: resourceName, jurisdiction }),
    r2: z.strictObject({ bucket: resourceName, jurisdiction }),
    queues: z.strictObject({ jobs: resourceName, deadLetter: resourceName }),
    /** The surfaces switched on: decides which secrets and settings are required. */
    surfaces: z.array(z.enum(SURFACES)).min(1),
    /** Plain settings (`[vars]`) of this deployment, over those in wrangler.toml. Never secrets. */
    vars: z
      .record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'a setting name in capitals'), z.string().max(10_000))
      .default({}),
  })
  .superRefine((d, ctx) => {
    if (d.queues.jobs === d.queues.deadLetter) {
      ctx.addIssue({
        code: 'custom',
        path: ['queues', 'deadLetter'],
        message: 'the dead-letter queue must differ from the job queue',
      })
    }
    for (const name of Object.keys(d.vars)) {
      if (SECRET_NAMES.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['vars', name],
          message: `${name} is a secret: set it with \`wrangler secret put ${name} --name ${d.worker}\`, never in deploy.json`,
        })
      }
    }
  })

export type DeployDescription = z.output<typeof DeployDescriptionSchema>

/** Parses a region's deploy.json text; throws one readable error naming the file and every bad field. */
export function parseDeployDescription(
  text: string,
  file: string,
  expectedRegion: string,
): DeployDescription {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`)
  }
  const result = DeployDescriptionSchema.safeParse(json)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(file)'}: ${i.message}`)
    throw new Error(`${file} is not a valid deployment description:\n${lines.join('\n')}`)
  }
  if (result.data.region !== expectedRegion) {
    throw new Error(
      `${file}: "region" is "${result.data.region}", expected "${expectedRegion}" (the folder name)`,
    )
  }
  return result.data
}

/** Whether a string can be a region id (checked before it becomes part of a path). */
export function isRegionId(value: string): boolean {
  return REGION_ID.test(value)
}
