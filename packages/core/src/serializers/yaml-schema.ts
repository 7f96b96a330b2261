import jsYaml from 'js-yaml'

/**
 * The schema js-yaml reads a cassette with when the fast reader gives up: one
 * written by vcrpy (PyYAML) or Ruby VCR (Psych), or edited by hand.
 *
 * Both peers write YAML 1.1 and quote a string only when a YAML 1.1 reader
 * would take it for something else. js-yaml reads YAML 1.2, where more plain
 * scalars are numbers: `1e3`, `12e4`, `68469e21`, `0o17` and `08` are strings
 * PyYAML and Psych wrote unquoted (a float needs a dot in 1.1; `08` is not
 * octal), and js-yaml would hand back 1000 or 8. A cassette holds numbers in
 * two places only (the status code and `version`), both plain decimal
 * integers, and no booleans at all; so here a plain scalar is a string unless
 * it is a decimal integer, a null as the peers write it (`null`, or nothing as
 * Psych writes nil), a timestamp (`recorded_at`) or the merge key. `yes`,
 * `off` and `~` in a header value or a body are the text written there.
 */

interface JsYamlTypes {
  binary: jsYaml.Type
  omap: jsYaml.Type
  pairs: jsYaml.Type
  set: jsYaml.Type
  timestamp: jsYaml.Type
  merge: jsYaml.Type
}
const { binary, omap, pairs, set, timestamp, merge } = (jsYaml as unknown as { types: JsYamlTypes }).types

const NULL = /^(?:null|Null|NULL)?$/
const DECIMAL = /^[-+]?(?:0|[1-9][0-9]*)$/

const nullType = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || NULL.test(data),
  construct: () => null,
})

const intType = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && DECIMAL.test(data),
  construct: (data: string) => Number(data),
})

// Ruby's Psych tags binary strings `!binary` (a local tag), where vcrpy writes `!!binary`.
const rubyBinary = new jsYaml.Type('!binary', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string',
  construct: (data: string) => Buffer.from(data.replace(/\s+/g, ''), 'base64'),
})

/**
 * The Python tags vcrpy's own cassette loader builds (vcrpy 8.x
 * vcr/serializers/yamlserializer.py `_CassetteLoader`): strings, tuples, and
 * request bodies that were a `BytesIO` or an iterator. No Python code runs:
 * each is rebuilt from its data.
 */
const PY = 'tag:yaml.org,2002:python/'

const pythonText = (name: string) =>
  new jsYaml.Type(`${PY}${name}`, { kind: 'scalar', resolve: () => true, construct: (data: string | null) => data ?? '' })

const pythonTuple = new jsYaml.Type(`${PY}tuple`, { kind: 'sequence', resolve: () => true, construct: (data: unknown[] | null) => data ?? [] })

// `!!python/object/new:_io.BytesIO {state: !!python/tuple [<bytes>, <position>, <dict>]}`: the buffer is the state's first item.
const pythonBytesIO = new jsYaml.Type(`${PY}object/new:_io.BytesIO`, {
  kind: 'mapping',
  resolve: () => true,
  construct: (data: Record<string, unknown> | null) => {
    const state = data?.state
    const content = Array.isArray(state) ? state[0] : undefined
    return typeof content === 'string' || content instanceof Uint8Array ? content : Buffer.alloc(0)
  },
})

// `!!python/object/apply:builtins.iter {args: [[<chunk>, ...]]}`: a body sent as an iterator of chunks, which vcrpy joins.
const pythonIter = new jsYaml.Type(`${PY}object/apply:builtins.iter`, {
  kind: 'mapping',
  resolve: () => true,
  construct: (data: Record<string, unknown> | null) => {
    const args = data?.args
    const chunks = Array.isArray(args) && Array.isArray(args[0]) ? (args[0] as unknown[]) : []
    return Buffer.concat(chunks.map((chunk) => (chunk instanceof Uint8Array ? chunk : Buffer.from(String(chunk)))))
  },
})

/**
 * Every other `!!python/...` tag (`object`, `object/apply`, `object/new`,
 * `name`, `module`) names code that PyYAML's full loader would run. Nothing is
 * run: the node is read as a marker, so a pre-1.0 vcrpy cassette (which used
 * such tags for its requests) still gets the migration message, and any other
 * cassette that holds one is refused by `refusedPythonTags`.
 */
export class RefusedPythonTag {
  constructor(readonly tag: string) {}
}

const refusedPython = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) =>
    new jsYaml.Type(PY, {
      kind,
      multi: true,
      resolve: () => true,
      construct: (_data: unknown, tag?: string) => new RefusedPythonTag(`!!${(tag ?? PY).slice('tag:yaml.org,2002:'.length)}`),
    }),
)

/**
 * Ruby VCR 1.x wrote its interactions as Ruby objects
 * (`!ruby/struct:VCR::HTTPInteraction`, `method: :get`). They are read as
 * plain data so that the loader can say how to migrate such a cassette.
 */
const rubyObjects = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) => new jsYaml.Type('!ruby/', { kind, multi: true, resolve: () => true, construct: (data: unknown) => data }),
)

export const CASSETTE_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, intType, timestamp, merge],
  explicit: [binary, omap, pairs, set, rubyBinary, pythonText('str'), pythonText('unicode'), pythonTuple, pythonBytesIO, pythonIter, ...refusedPython, ...rubyObjects],
})

/** The refused Python tags anywhere in `data`, each once. */
export function refusedPythonTags(data: unknown): string[] {
  const found = new Set<string>()
  const visit = (value: unknown): void => {
    if (value instanceof RefusedPythonTag) found.add(value.tag)
    else if (Array.isArray(value)) value.forEach(visit)
    else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !(value instanceof Date)) Object.values(value).forEach(visit)
  }
  visit(data)
  return [...found]
}
