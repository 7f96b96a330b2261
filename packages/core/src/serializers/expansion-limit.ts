import { CassetteSerializationError } from '../errors.js'

/**
 * YAML aliases let a small file stand for a huge document (an "alias bomb":
 * nine aliases of nine aliases of ... expand 600 bytes into gigabytes when
 * the data is walked or written back). js-yaml shares one object per anchor,
 * so loading is cheap; this measures what the data expands to, counting each
 * shared object once per reference without walking it again, and refuses a
 * document that expands far beyond its own size, or without end: an alias
 * inside the node it names (`&a [*a]`) makes js-yaml build a cycle.
 */
export function assertBoundedExpansion(value: unknown, textLength: number): void {
  const limit = EXPANSION_ALLOWANCE + EXPANSION_FACTOR * textLength
  const sizes = new Map<object, number>()
  const open = new Set<object>()
  const size = (node: unknown): number => {
    if (typeof node === 'string') return node.length + 1
    if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return node instanceof Uint8Array ? node.length + 1 : 1
    const known = sizes.get(node)
    if (known !== undefined) return known
    if (open.has(node)) throw new CassetteSerializationError(CYCLE)
    open.add(node)
    let total = 1
    for (const [key, child] of Array.isArray(node) ? node.entries() : Object.entries(node)) {
      total += (typeof key === 'string' ? key.length : 0) + size(child)
      if (total > limit) throw new CassetteSerializationError(tooLarge(limit))
    }
    open.delete(node)
    sizes.set(node, total)
    return total
  }
  size(value)
}

/** Characters and nodes any document may expand to, whatever its size. */
const EXPANSION_ALLOWANCE = 1_000_000
/** How many times its own size a document may expand to through aliases. */
const EXPANSION_FACTOR = 10

const CYCLE =
  'a YAML alias (*name) stands inside the node its anchor (&name) names, so the document would expand without end: ' +
  'a hostile document or one that is not a cassette; write the repeated part out'

function tooLarge(limit: number): string {
  return (
    `its YAML aliases (*name) expand it to more than ${String(limit).replace(/\B(?=(\d{3})+$)/g, ',')} characters, ` +
    'far beyond its own size: a hostile document (an alias bomb) or one that is not a cassette; write the repeated parts out'
  )
}
