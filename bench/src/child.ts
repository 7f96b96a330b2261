import { measureLoad } from './load.js'
import { measureMatching } from './matching.js'
import { measureRecord } from './record.js'
import { measureReplay } from './replay.js'
import { measureRunnerCost } from './runner-cost.js'
import { writeRunnerFixtures } from './runner-fixtures.js'
import { measureSave } from './save.js'
import { isStreamingTask, runStreamingTask } from './streaming-task.js'
import type { Task } from './task.js'

/** Runs the task given as JSON in argv and prints its result as JSON on the last line of stdout. */
async function run(task: Task): Promise<unknown> {
  if (isStreamingTask(task)) return runStreamingTask(task)
  switch (task.kind) {
    case 'load':
      return measureLoad(task.subject, task.dir, task.size, task.repeats)
    case 'replay':
      return measureReplay(task.subject, task.dir, task.size, task.origin)
    case 'matching':
      return measureMatching(task.dir, task.origin)
    case 'record':
      return measureRecord(task.requests, task.rounds)
    case 'save':
      return measureSave(task.subject, task.dir, task.size, task.origin, task.repeats)
    case 'runner-fixtures':
      return writeRunnerFixtures(task.dir, task.size)
    case 'runner-cost':
      return measureRunnerCost(task.subject, task.dir, task.size, task.origin)
  }
}

const result = await run(JSON.parse(process.argv[2]!) as Task)
process.stdout.write(`\n${JSON.stringify(result)}\n`)
// Peers may leave handles open (Polly's and nock's timers); the result is out.
process.exit(0)
