export { vcrAdapter } from './vcr-adapter.js'
export { RECORDING_ADAPTERS, type RecordingAdapter, type VcrAdapterOptions } from './options.js'
