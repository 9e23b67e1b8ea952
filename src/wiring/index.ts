import { buildNotifier } from '../../adapters/notify/notifier'
import { BUNDLED_PDF_RENDERER } from '../../adapters/pdf/fonts'
import { buildSlackCaseChannel } from '../../adapters/slack/card-publisher'
import { buildSlackDeps } from '../../adapters/slack/handlers/deps'
import { resolveSlackLang } from '../../adapters/slack/handlers/triage'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { buildDraftMaintenance, D1PrivacyStore } from '../../adapters/storage/d1-privacy-store'
import { D1SentNotices } from '../../adapters/storage/d1-sent-notices'
import { buildTeamsCaseChannel, teamsChannelConfigured } from '../../adapters/teams/channel'
import { buildTeamsChannelSide, buildTeamsConnector } from '../../adapters/teams/deps'
import { D1TeamsStore } from '../../adapters/teams/store'
import { type Config, loadConfig } from '../config'
import type { JobHandler, JobPorts, JobRegistry } from '../jobs/handlers'
import type { JobTypes } from '../jobs/messages'
import { processBatch as runBatch, processDeadLetters as runDeadLetters } from '../jobs/queue'
import { runRetentionJob } from '../jobs/retention'
import { runScheduledJobs, type ScheduledReport } from '../jobs/scheduled'
import type { CaseChannel } from '../ports/case-channel'
import type { Notifier } from '../ports/notifier'
import type { Deps } from '../services/deps'
import type { DigestStore } from '../services/digest-store'
import type { EraseDeps } from '../services/erase'
import type { RetentionReport } from '../services/retention'
import { combineCaseChannels } from './channels'
import { buildDeps, buildDigestStore } from './deps'
import { workerJobRegistry } from './jobs'

export { buildDeps, buildDigestStore } from './deps'
export { buildJobRegistry, defineJobTypes, workerJobRegistry } from './jobs'

/**
 * The one wiring point (issue 11, DESIGN.md §1): every adapter the use cases and jobs act through is
 * constructed here (or in the routes' own surface modules, which take their core `Deps` from here), and
 * every queue job and dead-letter hook is registered in ./jobs. src/index.ts calls it for the queue
 * consumer and the cron; routes call `buildDeps`.
 */

/** The dependencies of erasure, retention and key rotation from the Worker's bindings. */
export function buildPrivacyDeps(env: Env, deps: Deps = buildDeps(env)): EraseDeps {
  return {
    ...deps,
    privacy: new D1PrivacyStore(env.DB, env.FILES),
    drafts: buildDraftMaintenance(env.DRAFTS),
  }
}

/** The Notifier: Slack direct messages and channel posts, Teams proactive cards, nothing for the web. */
export function buildNotifierFor(env: Env, deps: Pick<Deps, 'config' | 'clock'>): Notifier {
  const slack = buildSlackDeps(env, deps.config)
  return buildNotifier({
    config: deps.config,
    clock: deps.clock,
    slack: {
      api: slack.api,
      channel: slack.channel,
      channelLang: slack.channelLang,
      langOf: (user) => resolveSlackLang(slack, user),
    },
    teams: {
      store: new D1TeamsStore(env.DB),
      connector: buildTeamsConnector(deps.config),
      sent: new D1SentNotices(env.DB),
    },
  })
}

/**
 * The chairs' channels: Slack when a triage channel is configured, Teams when one is; each case card
 * goes to every one of them. With none configured, the Slack channel (which logs that it skipped).
 */
export function buildCaseChannels(env: Env, deps: Deps): CaseChannel {
  const channels: CaseChannel[] = []
  const slack = buildSlackDeps(env, deps.config)
  if (slack.channel || !teamsChannelConfigured(buildTeamsChannelSide(env, deps.config))) {
    channels.push(buildSlackCaseChannel(deps, slack, new D1SentNotices(env.DB)))
  }
  const teams = buildTeamsChannelSide(env, deps.config)
  if (teamsChannelConfigured(teams)) channels.push(buildTeamsCaseChannel(deps, teams))
  return channels.length === 1 && channels[0] ? channels[0] : combineCaseChannels(channels)
}

/** Builds each port on first use only (a PDF job needs no Slack client). */
function lazily<T extends object>(factories: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T
  for (const key of Object.keys(factories) as (keyof T)[]) {
    let value: T[typeof key] | undefined
    let built = false
    Object.defineProperty(out, key, {
      enumerable: true,
      get() {
        if (!built) {
          value = factories[key]()
          built = true
        }
        return value
      },
    })
  }
  return out
}

/** The ports jobs act through, for one batch. */
export function buildJobPorts(env: Env, deps: Deps, overrides: Partial<JobPorts> = {}): JobPorts {
  const ports = lazily<JobPorts>({
    notifier: () => buildNotifierFor(env, deps),
    channel: () => buildCaseChannels(env, deps),
    digestStore: () => buildDigestStore(env),
    privacy: () => buildPrivacyDeps(env, deps),
    caseFiles: () => buildCaseFileStore(env),
    pdf: () => BUNDLED_PDF_RENDERER,
  })
  return Object.assign(ports, overrides)
}

/** Overrides of a consumer run (tests). */
export interface ConsumerOptions {
  deps?: Deps
  registry?: JobRegistry
  ports?: Partial<JobPorts>
}

/** The queue consumer with the Worker's registry and ports. */
export async function processBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  options: ConsumerOptions = {},
): Promise<void> {
  const deps = options.deps ?? buildDeps(env)
  await runBatch(batch, {
    deps,
    ports: buildJobPorts(env, deps, options.ports),
    registry: options.registry ?? workerJobRegistry(),
  })
}

/** The dead-letter consumer with the Worker's hooks and ports. */
export async function processDeadLetters(
  batch: MessageBatch<unknown>,
  env: Env,
  options: ConsumerOptions = {},
): Promise<void> {
  const deps = options.deps ?? buildDeps(env)
  await runDeadLetters(batch, {
    deps,
    ports: buildJobPorts(env, deps, options.ports),
    registry: options.registry ?? workerJobRegistry(),
  })
}

/** Adds a handler to the Worker's registry (tests that watch the real consumer). */
export function registerJobHandler<K extends keyof JobTypes & string>(
  type: K,
  name: string,
  handle: JobHandler<JobTypes[K]>,
): void {
  workerJobRegistry().register(type, name, handle)
}

/** Overrides of a cron run (tests): the dependencies (clock, queue) and the digest store. */
export interface ScheduledOptions {
  deps?: Deps
  store?: DigestStore
}

/** One cron firing: the reminder scan and, when due, the weekly digest (src/jobs/scheduled.ts). */
export async function runScheduled(
  controller: Pick<ScheduledController, 'cron' | 'scheduledTime'>,
  env: Env,
  _ctx?: ExecutionContext,
  options: ScheduledOptions = {},
): Promise<ScheduledReport> {
  const now = new Date(controller.scheduledTime)
  return runScheduledJobs(controller, {
    deps: options.deps ?? buildDeps(env, { clock: () => now }),
    store: options.store ?? buildDigestStore(env),
  })
}

/** The daily retention run (src/jobs/retention.ts) as of `now`. */
export async function runDailyRetention(env: Env, now: Date): Promise<RetentionReport | null> {
  const config: Config = loadConfig(env)
  return runRetentionJob(buildPrivacyDeps(env, buildDeps(env, { config, clock: () => now })))
}
