import { defineConfig } from 'tsup'
import base from '../../tsup.base'

// `node:test` exists only with its prefix; esbuild would strip it to 'test'.
export default defineConfig({ ...base, removeNodeProtocol: false })
