import { defineConfig } from 'tsup'
import base from '../../tsup.base'

// The types name node:http's Agent: the reference loads Node's types without the
// consumer listing "types": ["node"] (TypeScript 7 includes none by default).
// A banner, because the .d.ts bundler drops reference directives of the sources.
export default defineConfig({ ...base, dts: { banner: '/// <reference types="node" />' } })
