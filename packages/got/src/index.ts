export { vcrHooks, type VcrHooks } from './vcr-hooks.js'
export type { VcrHooksOptions } from './options.js'
export { UnsupportedRequestError } from '@vcrjs/core'
