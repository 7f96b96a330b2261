import { isUtf8 } from 'node:buffer'
import type { Interaction } from '@vcrjs/core'

/**
 * The text at a detector location (`request url`, `request header NAME`,
 * `request body`, `response header NAME`, `response body`); null when the
 * location holds no text (a binary body) or is not one of these.
 */
export function textAt({ request, response }: Interaction, location: string): string | null {
  if (location === 'request url') return request.url
  if (location === 'request body') return bodyText(request.body)
  if (location === 'response body') return bodyText(response.body)
  const header = /^(request|response) header (.+)$/.exec(location)
  if (header) {
    const values = (header[1] === 'request' ? request.headers : response.headers).getAll(header[2]!)
    return values.length === 0 ? null : values.join('\n')
  }
  return null
}

function bodyText(body: Uint8Array | null): string | null {
  return body !== null && body.length > 0 && isUtf8(body) ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : null
}

/** Every text of an interaction the detector reads, with its location. */
export function textsOf(interaction: Interaction): Array<{ location: string; text: string }> {
  const out: Array<{ location: string; text: string }> = [{ location: 'request url', text: interaction.request.url }]
  const add = (location: string) => {
    const text = textAt(interaction, location)
    if (text !== null) out.push({ location, text })
  }
  for (const name of new Set(interaction.request.headers.entries().map(([name]) => name))) add(`request header ${name}`)
  add('request body')
  for (const name of new Set(interaction.response.headers.entries().map(([name]) => name))) add(`response header ${name}`)
  add('response body')
  return out
}
