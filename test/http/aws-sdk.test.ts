import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { type Cassette, CannotOverwriteExistingCassetteError, VCR } from '@vcrjs/core'
import { vcrAgent } from '@vcrjs/http'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempCassetteDir } from '../support/temp.js'
import { type Certificate, selfSignedCertificate } from './tls.js'
import { S3_KEYS, startWireServer } from './wire-server.js'

/** An S3 client as an application configures it, with the vcrjs agent as NodeHttpHandler's httpsAgent. */
function s3Client(endpoint: string, certificate: Certificate, cassette: Cassette): S3Client {
  const client = new S3Client({
    endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret-not-real' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: vcrAgent(cassette, { ca: certificate.cert }) }),
  })
  onTestFinished(() => client.destroy())
  return client
}

describe('AWS SDK v3 through vcrAgent', () => {
  it('S3 ListObjectsV2 records against a local S3 imitation and replays with it gone', async () => {
    const certificate = await selfSignedCertificate()
    const server = await startWireServer(certificate)
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, filterHeaders: ['authorization'] })
    const list = () =>
      vcr.useCassette('s3.yaml', (cassette) => s3Client(server.origin, certificate, cassette).send(new ListObjectsV2Command({ Bucket: 'fixtures', Prefix: 'cassettes/' })))
    const live = await list()
    await server.close()
    const replayed = await list()
    expect(server.hits).toBe(1)
    expect(live.Contents?.map((object) => object.Key)).toEqual(S3_KEYS)
    expect(replayed.Contents?.map((object) => object.Key)).toEqual(S3_KEYS)
    expect(replayed.$metadata.httpStatusCode).toBe(200)
    expect(replayed.$metadata.requestId).toBe('LOCAL0001')
    const file = await readFile(join(dir, 's3.yaml'), 'utf8')
    expect(file).toContain(`uri: ${server.origin}/fixtures/?list-type=2&prefix=cassettes%2F`)
    expect(file).not.toContain('AKIDLOCALTEST')
  })

  it("a listing the cassette lacks fails with the core's error, not a retry or a network call", async () => {
    const certificate = await selfSignedCertificate()
    const server = await startWireServer(certificate)
    const dir = await tempCassetteDir()
    const vcr = new VCR({ cassetteLibraryDir: dir, recordMode: 'none' })
    const error = await vcr.useCassette('s3-empty.yaml', (cassette) =>
      s3Client(server.origin, certificate, cassette)
        .send(new ListObjectsV2Command({ Bucket: 'fixtures' }))
        .then(() => undefined, (e: unknown) => e),
    )
    expect(error).toBeInstanceOf(CannotOverwriteExistingCassetteError)
    expect(server.hits).toBe(0)
  })
})
