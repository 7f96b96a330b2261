/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))
  return sorted[rank]!
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5)
}

/** Collects garbage when the process runs with `--expose-gc`, so one measurement does not pay for the last one's garbage. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) {
    gc()
    gc()
  }
}

/** What the process holds: the JS heap plus the memory outside it (Buffers keep cassette bodies there). */
export function heldBytes(): number {
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.external
}
