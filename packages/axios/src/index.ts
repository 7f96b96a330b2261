export { vcrAdapter } from './vcr-adapter.js'
export { AXIOS_TRANSPORTS, type AxiosTransport, type VcrAdapterOptions } from './options.js'
