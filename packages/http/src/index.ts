export { vcrAgent } from './vcr-agent.js'
export type { VcrAgentOptions } from './options.js'
export { UnsupportedRequestError } from '@vcrjs/core/adapter'
