/**
 * A cassette's plain-data form, as vcrpy's serializers see it: objects,
 * arrays, strings, numbers, null, and `Uint8Array` for bodies that are not text.
 */
export type CassetteData = Record<string, unknown>

/** Turns cassette data into file text and back; vcrpy's serializer interface. */
export interface Serializer {
  serialize(data: CassetteData): string
  deserialize(text: string): unknown
  /**
   * Optional: the text `serialize` returns, as pieces whose concatenation is
   * that text. The filesystem persister writes them one by one, so a cassette
   * holding a large body is never one string (nor its escaped body). A piece
   * never ends inside a surrogate pair.
   */
  serializePieces?(data: CassetteData): Iterable<string>
}
