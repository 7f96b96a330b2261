import { withDeferredResponse } from '../deferred-response.js'
import { CassetteSerializationError } from '../errors.js'
import { parseFailure } from './parse-failure.js'

/**
 * A reader for the JSON layout vcrjs writes (json.ts: `JSON.stringify(data,
 * replacer, 4)` plus a newline), which vcrpy's `json.dumps(data, indent=4)`
 * shares: a cassette of `interactions` and `version`, every interaction a
 * `request`, a `response` and maybe a `recorded_at`. It finds each part by
 * its indentation (a JSON string holds no raw line break, so a line that
 * starts with 12 spaces and `}` closes a part), parses each request and
 * `recorded_at` at once, and leaves each response as its slice of the text,
 * parsed when first read (`withDeferredResponse`): the responses hold most of a
 * cassette's text, and JSON.parse of the whole file was the largest step of a
 * load (10,000 interactions: ~150 ms of CPU of ~400), for responses most runs never play.
 *
 * It gives up, returning `undefined`, at the first thing outside that layout
 * (and where JSON.parse refuses a request), and the caller parses the whole
 * text, so a malformed file fails at load as before. Inside a response,
 * JSON.parse judges the slice when it is read; should it refuse it, the whole
 * text is parsed to raise the very error a load would have raised.
 */
export function readEmittedJson(text: string): { value: unknown } | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL)) return undefined
  const end = text.length - TAIL.length
  const interactions: Record<string, unknown>[] = []
  let at = HEAD.length
  for (;;) {
    if (!text.startsWith(ITEM_OPEN, at)) return undefined
    const requestEnd = text.indexOf(REQUEST_CLOSE, at)
    if (requestEnd === -1) return undefined
    // REQUEST_CLOSE starts with the request's closing line.
    const request = parsed(text, at + ITEM_OPEN.length, requestEnd + PART_CLOSE.length)
    if (request === GIVE_UP) return undefined
    const responseStart = requestEnd + REQUEST_CLOSE.length
    // A response on one line (`{}`, a string) has no closing line to find.
    if (!text.startsWith('{\n', responseStart)) return undefined
    const responseEnd = text.indexOf(PART_CLOSE, responseStart)
    if (responseEnd === -1) return undefined
    const index = interactions.length
    const item = withDeferredResponse(request, () => {
      const response = parsed(text, responseStart, responseEnd + PART_CLOSE.length)
      return response === GIVE_UP ? wholeTextFailure(text, index) : response
    })
    at = responseEnd + PART_CLOSE.length
    if (text.startsWith(RECORDED_AT, at)) {
      const close = text.indexOf('\n', at + RECORDED_AT.length)
      const recordedAt = close === -1 ? GIVE_UP : parsed(text, at + RECORDED_AT.length, close)
      if (typeof recordedAt !== 'string') return undefined
      item.recorded_at = recordedAt
      at = close
    }
    interactions.push(item)
    if (at === end && text.startsWith(ITEM_CLOSE, at)) break
    if (!text.startsWith(ITEM_NEXT, at)) return undefined
    at += ITEM_NEXT.length - ITEM_OPEN.length
  }
  return { value: { interactions, version: 1 } }
}

const HEAD = '{\n    "interactions": [\n'
const ITEM_OPEN = '        {\n            "request": '
const REQUEST_CLOSE = '\n            },\n            "response": '
/** The line that closes a response; the next is `recorded_at` or the end of the interaction. */
const PART_CLOSE = '\n            }'
const RECORDED_AT = ',\n            "recorded_at": '
const ITEM_CLOSE = '\n        }'
const ITEM_NEXT = '\n        },\n        {\n            "request": '
const TAIL = '\n        }\n    ],\n    "version": 1\n}\n'

const GIVE_UP = Symbol('outside the emitted layout')

function parsed(text: string, start: number, end: number): unknown {
  try {
    return JSON.parse(text.slice(start, end))
  } catch {
    return GIVE_UP
  }
}

/** The error parsing the whole text raises: the one a load of the file without this reader raises. */
function wholeTextFailure(text: string, index: number): never {
  try {
    JSON.parse(text)
  } catch (error) {
    throw parseFailure('JSON', error)
  }
  // Valid JSON that mimics the layout inside a response, so that a line closes it early: only text crafted so, or indented
  // by hand very unluckily, gets here, and it is refused rather than read wrong.
  throw new CassetteSerializationError(
    `interactions[${index}].response is valid JSON but not indented as vcrjs and vcrpy write it (4 spaces per level), which the cassette was read by; re-indent the file (e.g. \`python -m json.tool --indent 4\`) and load it again`,
  )
}
