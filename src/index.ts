import { createApp } from './app'

const app = createApp()

export default {
  fetch: app.fetch,
  async scheduled(controller, _env, _ctx) {
    // The checks scheduler (issue: scheduled reachability checks) hooks in here.
    console.log(
      `cron ${controller.cron} at ${new Date(controller.scheduledTime).toISOString()}: no checks configured yet`,
    )
  },
} satisfies ExportedHandler<Env>
