import { CassetteSerializationError } from '../errors.js'

/**
 * The error a serializer raises for text its parser refuses. js-yaml's first
 * line is the reason and where (`bad indentation ... (2:5)`); the lines after
 * it quote the document, so the message keeps the first line only (the
 * parser's error stays as the cause, which CassetteLoadError cleans).
 */
export function parseFailure(format: 'YAML' | 'JSON', error: unknown): CassetteSerializationError {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0]!
  return new CassetteSerializationError(`not valid ${format}: ${reason}`, { cause: error })
}
