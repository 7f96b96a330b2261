import { vcrAdapter } from '@vcrjs/axios'
import { InvalidOptionError } from '@vcrjs/core'
import axios from 'axios'
import { expect, it, vi } from 'vitest'

// As when the optional peer undici is not installed: @vcrjs/undici cannot load.
vi.mock('@vcrjs/undici', () => {
  throw new Error("Cannot find package 'undici'")
})

it('http: works without the undici package', () => {
  expect(typeof vcrAdapter()).toBe('function')
})

it('fetch: without the undici package, each request rejects with a typed error saying what to install', async () => {
  const client = axios.create({ adapter: vcrAdapter(undefined, { transport: 'fetch' }) })
  for (let attempt = 0; attempt < 2; attempt++) {
    const error = await client.get('http://127.0.0.1:8765/json').then(
      () => undefined,
      (e: unknown) => e as { code?: string; cause?: unknown; message: string },
    )
    expect(error?.code).toBe('VCR_INVALID_OPTION')
    expect(error?.cause).toBeInstanceOf(InvalidOptionError)
    expect(error?.message).toContain("vcrAdapter's fetch transport needs the undici package")
    expect(error?.message).toContain('npm install --save-dev undici')
  }
})
