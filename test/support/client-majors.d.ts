// Type-checking sees the Node 20 leg's undici (7) under its plain name, as
// vitest.config.ts aliases it at run time. An ambient module rather than a
// tsconfig `paths` entry, because tsx applies `paths` when running the demo
// and would load a .d.ts in place of undici.
declare module 'undici' {
  export * from 'undici7'
}
