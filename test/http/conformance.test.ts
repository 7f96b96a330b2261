import { defineConformanceSuite } from '../conformance/suite.js'
import { nodeHttpClient, superagentClient } from './clients.js'

// node-fetch passes every scenario but the two that look for the no-match error:
// its FetchError keeps only the message and code of the error it wraps (see node-fetch.test.ts).
defineConformanceSuite(nodeHttpClient)
defineConformanceSuite(superagentClient)
