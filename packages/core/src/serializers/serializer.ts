/**
 * A cassette's plain-data form, as vcrpy's serializers see it: objects,
 * arrays, strings, numbers, null, and `Uint8Array` for bodies that are not text.
 */
export type CassetteData = Record<string, unknown>

/** Turns cassette data into file text and back; vcrpy's serializer interface. */
export interface Serializer {
  serialize(data: CassetteData): string
  deserialize(text: string): unknown
}
