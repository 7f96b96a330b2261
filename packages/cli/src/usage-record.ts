import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { CliError, EXIT } from './errors.js'

/** The file the runner integrations write after each test file, in that file's cassette folder. */
export const USAGE_RECORD_NAME = '.vcrjs-usage.json'

/**
 * `{"version":1,"testFile","writtenAt","cassettes":[{"path","interactions","played"}]}`:
 * the cassettes a test file used in its last run, their paths relative to the
 * record's folder, how many interactions each had and which were played.
 */
export interface UsageRecord {
  readonly file: string
  readonly folder: string
  readonly testFile: string
  readonly writtenAt: Date
  readonly cassettes: ReadonlyArray<{ path: string; interactions: number; played: readonly number[] }>
}

export class UsageRecordError extends CliError {
  constructor(file: string, problem: string) {
    super(
      'VCR_CLI_USAGE_RECORD',
      `${file}: ${problem}. Its folder is treated as having no usage record (nothing in it is deleted); run the tests again to rewrite it.`,
      EXIT.failure,
    )
  }
}

export async function readUsageRecord(file: string): Promise<UsageRecord> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new UsageRecordError(file, `not readable as JSON (${(error as Error).message})`)
  }
  const record = data as Record<string, unknown> | null
  if (typeof record !== 'object' || record === null) throw new UsageRecordError(file, 'not a JSON object')
  if (record.version !== 1) throw new UsageRecordError(file, `its version is ${JSON.stringify(record.version ?? null)}; this vcrjs reads version 1`)
  const writtenAt = new Date(String(record.writtenAt))
  if (Number.isNaN(writtenAt.getTime())) throw new UsageRecordError(file, '`writtenAt` is not a date')
  if (!Array.isArray(record.cassettes)) throw new UsageRecordError(file, '`cassettes` is not a list')
  const cassettes = record.cassettes.map((raw: unknown, i) => {
    const entry = raw as Record<string, unknown> | null
    const played = entry?.played
    if (
      typeof entry?.path !== 'string' ||
      typeof entry.interactions !== 'number' ||
      !Array.isArray(played) ||
      !played.every((index) => Number.isInteger(index))
    ) {
      throw new UsageRecordError(file, `cassettes[${i}] needs a path, a number of interactions and a list of played indices`)
    }
    return { path: entry.path, interactions: entry.interactions, played: played as number[] }
  })
  return { file, folder: dirname(file), testFile: String(record.testFile ?? ''), writtenAt, cassettes }
}
