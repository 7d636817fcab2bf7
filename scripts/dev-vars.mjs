// `npm start` on a fresh clone: give wrangler dev a local API token from .dev.vars.example
// unless the developer already has a .dev.vars (git-ignored, never overwritten).
import { copyFileSync, existsSync } from 'node:fs'

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars')
  console.log('created .dev.vars from .dev.vars.example (API_TOKEN=dev-token-change-me)')
}
