import { defineConformanceSuite } from '../conformance/suite.js'
import { nodeFetchClient, nodeHttpClient, superagentClient } from './clients.js'

defineConformanceSuite(nodeHttpClient)
defineConformanceSuite(superagentClient)
// node-fetch's FetchError keeps only the message and code of the error it wraps.
defineConformanceSuite({ ...nodeFetchClient, noMatchError: 'code-and-message' })
