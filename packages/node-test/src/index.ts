export { setupVcr } from './setup-vcr.js'
