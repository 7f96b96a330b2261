export { VcrDispatcher, vcrDispatcher } from './vcr-dispatcher.js'
export { vcrInterceptor } from './vcr-interceptor.js'
export type { VcrDispatcherOptions } from './options.js'
export { UnsupportedRequestError } from '@vcrjs/core/adapter'
