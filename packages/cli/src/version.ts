import { createRequire } from 'node:module'

/** This package's version, read from its package.json (one folder above dist/ and src/). */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version
