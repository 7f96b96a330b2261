// The `prepack` of every @vcrjs package: refuses to pack (and so to publish)
// a package.json that still holds `workspace:` ranges, unless the packing tool
// rewrites them into versions as it packs (pnpm and yarn do; npm does not, and
// would publish a package nobody can install).
import { readFileSync } from 'node:fs'

const manifest = JSON.parse(readFileSync('package.json', 'utf8'))
const agent = process.env.npm_config_user_agent ?? ''
const rewrites = agent.startsWith('pnpm/') || agent.startsWith('yarn/')
const unresolved = ['dependencies', 'peerDependencies', 'optionalDependencies']
  .flatMap((field) => Object.entries(manifest[field] ?? {}).map(([name, range]) => [field, name, range]))
  .filter(([, , range]) => String(range).startsWith('workspace:'))

if (unresolved.length > 0 && !rewrites) {
  const list = unresolved.map(([field, name, range]) => `  ${field}: ${name}@${range}`).join('\n')
  console.error(
    `${manifest.name} cannot be packed or published with ${agent.split(' ')[0] || 'this tool'}: its package.json holds workspace: ranges that it would publish as they are, and nobody could install the package:\n${list}\nPublish with pnpm (pnpm publish, or pnpm -r publish), which replaces them with the versions of the workspace packages.`,
  )
  process.exit(1)
}
