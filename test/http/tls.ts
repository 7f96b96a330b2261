import { generate } from 'selfsigned'

export interface Certificate {
  key: string
  cert: string
}

let made: Promise<Certificate> | undefined

/** A self-signed certificate for 127.0.0.1 and localhost, made once per test file. */
export function selfSignedCertificate(): Promise<Certificate> {
  made ??= generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  }).then(({ private: key, cert }) => ({ key, cert }))
  return made
}
