export { vcrHooks, type VcrHooks, type VcrHooksOptions } from './vcr-hooks.js'
export { UnreadableGotStreamBodyError } from './errors.js'
