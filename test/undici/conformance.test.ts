import { afterAll, beforeAll, describe } from 'vitest'
import { defineConformanceSuite } from '../conformance/suite.js'
import {
  globalFetchThroughGlobalDispatcher,
  globalFetchWithDispatcherOption,
  installGlobalVcrDispatcher,
  undiciFetchClient,
  undiciRequestClient,
} from './clients.js'

describe('with vcrDispatcher() as the global dispatcher', () => {
  let restore: () => Promise<void>
  beforeAll(() => {
    restore = installGlobalVcrDispatcher()
  })
  afterAll(() => restore())
  defineConformanceSuite(globalFetchThroughGlobalDispatcher)
})

defineConformanceSuite(globalFetchWithDispatcherOption)
defineConformanceSuite(undiciFetchClient)
defineConformanceSuite(undiciRequestClient)
