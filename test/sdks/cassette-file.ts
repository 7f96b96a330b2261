import { readFile } from 'node:fs/promises'
import { findSecrets, yamlSerializer } from '@vcrjs/core'
import { expect } from 'vitest'

/** One interaction as vcrpy's YAML format writes it. */
export interface StoredInteraction {
  request: { method: string; uri: string; body: string | null; headers: Record<string, string[]> }
  response: { status: { code: number }; headers: Record<string, string[]>; body: { string: string } }
}

/**
 * Reads a cassette a test recorded, checks it is what a reviewer can read and
 * commit (every body a UTF-8 string, no credential of a known format, none of
 * `secrets` anywhere, each `Authorization` stored as `<FILTERED>`), and
 * returns its text and interactions.
 */
export async function readSecretFreeCassette(path: string, secrets: string[]): Promise<{ text: string; interactions: StoredInteraction[] }> {
  const text = await readFile(path, 'utf8')
  const { interactions } = yamlSerializer.deserialize(text) as { interactions: StoredInteraction[] }
  for (const secret of secrets) expect(text).not.toContain(secret)
  expect(findSecrets(text)).toEqual([])
  for (const { request, response } of interactions) {
    const authorization = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'authorization')
    expect(authorization?.[1]).toEqual(['<FILTERED>'])
    expect(typeof response.body.string).toBe('string')
  }
  return { text, interactions }
}
