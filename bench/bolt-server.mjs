// The Bolt peer of the bench: a plain @slack/bolt App on Node with its default HTTPReceiver, listening
// on 127.0.0.1 only, acking the `/ret` command and every action with a trivial handler. It prints its
// port and runs until its parent closes stdin. Plain JS so its /proc CPU is Node's alone (no loader).
import bolt from '@slack/bolt'

const app = new bolt.App({
  signingSecret: process.env.BENCH_SLACK_SIGNING_SECRET,
  // A known bot identity: no auth.test call (nothing leaves this machine); any Web API call would go to
  // a closed loopback port.
  authorize: async () => ({ botToken: 'xoxb-bench', botId: 'B0BENCH', botUserId: 'U0BENCHBOT' }),
  clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' },
  ignoreSelf: false,
  logLevel: process.env.BENCH_BOLT_DEBUG ? bolt.LogLevel.DEBUG : bolt.LogLevel.ERROR,
})
app.command('/ret', async ({ ack }) => {
  await ack()
})
app.action(/.*/, async ({ ack }) => {
  await ack()
})
const server = await app.start({ port: 0, host: '127.0.0.1' })
process.stdout.write(`BOLT_PORT=${server.address().port}\n`)
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
