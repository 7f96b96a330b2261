import type { Request } from './request.js'
import type { Response } from './response.js'

/** One request and the response it got: the unit a cassette stores and plays. */
export interface Interaction {
  readonly request: Request
  readonly response: Response
  /** When it was recorded, where the cassette says (Ruby VCR's `recorded_at`). */
  readonly recordedAt?: Date
}
