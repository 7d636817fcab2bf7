import { createApp } from './app'
import { runDueRounds } from './checks/scheduler'
import { getChecksConfig } from './kv/checks-store'
import { deadlineFrom, schedulerPorts } from './ports/checks-env'
import { consumeJobMessages } from './ports/flow-jobs'
import { sweepArchiveOnSchedule } from './storage/archive-retention'

const app = createApp()

export default {
  fetch: app.fetch,
  /**
   * Every minute: the rounds planned for this minute (README, "Scheduled checks"); once an hour,
   * after them, the flow archive's retention sweep.
   */
  async scheduled(controller, env, ctx) {
    const summary = await runDueRounds(
      await getChecksConfig(env.EDGEPING_KV),
      schedulerPorts(env, ctx),
      {
        scheduledTime: controller.scheduledTime,
        deadlineMs: deadlineFrom(env),
      },
    )
    console.log(`checks tick ${summary.minute}: ${JSON.stringify(summary)}`)
    await sweepArchiveOnSchedule(env, controller.scheduledTime)
  },
  /** Archive queries: one message per file (group) or merge step (README, "Flow archive"). */
  async queue(batch, env) {
    await consumeJobMessages(batch, env)
  },
} satisfies ExportedHandler<Env>
