import { axiosClient } from './clients/axios.js'
import { fetchClient } from './clients/fetch.js'
import { gotClient } from './clients/got.js'
import type { DemoClient } from './demo-client.js'

/** Every client the demo runs, in order. */
export const CLIENTS: readonly DemoClient[] = [fetchClient, axiosClient, gotClient]
