// `@vcrjs/core/runner`: what the test-runner integrations (@vcrjs/vitest,
// @vcrjs/jest, @vcrjs/node-test) share; for writing one for another runner.
export { TestFileSession, type TestFailure, type TestFileSessionOptions } from './runner/test-file-session.js'
export { RunnerHooks } from './runner/runner-hooks.js'
export { runnerVcrOptions, isCi } from './runner/runner-options.js'
export { writeUsageRecord, USAGE_FILE, type UsageRecord } from './runner/usage-record.js'
export { wrappedVcrError, describeVcrCause } from './runner/vcr-cause.js'
export { globalFetchIsForeign, assertGlobalFetchReachable, GLOBAL_FETCH_ROUTED } from './runner/global-fetch.js'
export { shareCassetteContext, setTestCassetteLookup, onCassetteEjected, type CassetteUsage } from './context.js'
export { testCassettePath, testCassettesFolder, testCassetteName, portableFileName, cassetteExtension, CASSETTES_FOLDER } from './test-cassette-path.js'
export { JEST_CURRENT_TEST, testIdentityOf, type TestIdentity } from './func-path.js'
