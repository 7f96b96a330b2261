import { writeFile } from 'node:fs/promises'
import { type Interaction, interactionsToData, jsonSerializer, Request, Response, rubyCassetteData, yamlSerializer } from '@vcrjs/core'

export interface PlainInteraction {
  method?: string
  url: string
  headers?: Record<string, string | string[]>
  body?: string | Buffer | null
  status?: number
  responseHeaders?: Record<string, string | string[]>
  responseBody?: string | Buffer
  recordedAt?: Date
}

export function interaction(plain: PlainInteraction): Interaction {
  const request = new Request({ method: plain.method ?? 'GET', url: plain.url, headers: plain.headers ?? {}, body: plain.body ?? null })
  const response = new Response({ status: plain.status ?? 200, headers: plain.responseHeaders ?? {}, body: plain.responseBody ?? '' })
  return plain.recordedAt ? { request, response, recordedAt: plain.recordedAt } : { request, response }
}

/** A cassette file written by the core's own writers, in one of the formats the CLI reads. */
export async function writeCassette(
  path: string,
  plain: readonly PlainInteraction[],
  format: 'yaml' | 'json' | 'ruby-yaml' | 'ruby-json' = 'yaml',
): Promise<string> {
  const interactions = plain.map(interaction)
  const now = new Date('2025-01-02T03:04:05Z')
  const text =
    format === 'yaml'
      ? yamlSerializer.serialize(interactionsToData(interactions))
      : format === 'json'
        ? jsonSerializer.serialize(interactionsToData(interactions))
        : format === 'ruby-yaml'
          ? `---\n${yamlSerializer.serialize(rubyCassetteData(interactions, now))}`
          : JSON.stringify(rubyCassetteData(interactions, now))
  await writeFile(path, text)
  return path
}
