import { CassetteSerializationError } from '../errors.js'
import { parseFailure } from './parse-failure.js'
import type { CassetteData, Serializer } from './serializer.js'

/**
 * vcrpy's JSON serializer: four-space indent and a final newline. JSON has no
 * binary type, so a body that is not UTF-8 is written as `{"base64_string": ...}`,
 * the spelling Ruby VCR uses, which vcrjs reads back; vcrpy itself refuses to
 * write such a body to JSON.
 */
export const jsonSerializer: Serializer = {
  serialize(data: CassetteData): string {
    try {
      return `${JSON.stringify(data, binaryAsBase64, 4)}\n`
    } catch (error) {
      // JSON.stringify's TypeError: a BigInt, or an object that contains itself.
      throw new CassetteSerializationError(
        `cannot write the data as JSON (${(error as Error).message.split('\n', 1)[0]}); a cassette holds only text, numbers, booleans, null, bytes (Uint8Array), lists and mappings, each once`,
        { cause: error },
      )
    }
  },
  deserialize(text: string): unknown {
    try {
      return JSON.parse(text)
    } catch (error) {
      throw parseFailure('JSON', error)
    }
  },
}

function binaryAsBase64(this: unknown, key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64_string: Buffer.from(value).toString('base64') }
  // A response body `{string: <bytes>}` becomes `{base64_string}` itself, as Ruby VCR spells it, not `{string: {base64_string}}`.
  if (key === 'body' && typeof value === 'object' && value !== null && Object.keys(value).length === 1) {
    const string = (value as { string?: unknown }).string
    if (string instanceof Uint8Array) return { base64_string: Buffer.from(string).toString('base64') }
  }
  // Buffer has a toJSON that runs before the replacer sees it.
  if (isBufferJson(value)) return { base64_string: Buffer.from(value.data).toString('base64') }
  return value
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  )
}
