import type { LoadSubjectName } from './load.js'
import type { ReplaySubjectName } from './replay-subjects.js'
import type { RunnerCostSubjectName } from './runner-cost.js'
import type { SaveSubjectName } from './save.js'
import type { StreamingTask } from './streaming-task.js'

/** One measurement, run in a fresh Node process so no tool sees another's heap, JIT state or patched globals. */
export type Task =
  | { kind: 'load'; subject: LoadSubjectName; dir: string; size: number; repeats: number }
  | { kind: 'replay'; subject: ReplaySubjectName; dir: string; size: number; origin: string }
  | { kind: 'matching'; dir: string; origin: string }
  | { kind: 'record'; requests: number; rounds: number }
  | { kind: 'save'; subject: SaveSubjectName; dir: string; size: number; origin: string; repeats: number }
  | StreamingTask
  | { kind: 'runner-fixtures'; dir: string; size: number }
  | { kind: 'runner-cost'; subject: RunnerCostSubjectName; dir: string; size: number; origin: string }
