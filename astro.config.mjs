// The PLUS preview site (site/): an Astro site generated from the compiled bundle in
// dist/bundle, written to dist/site. See site/integration/index.ts for how it follows the
// content in development.
import { defineConfig } from 'astro/config'
import plusPreview from './site/integration/index.ts'

export default defineConfig({
  root: '.',
  srcDir: './site',
  publicDir: './site/public',
  // PLUS_SITE_DIR lets the end-to-end tests build into a folder of their own, so test runs in a
  // shared checkout never empty each other's site.
  outDir: process.env.PLUS_SITE_DIR ?? './dist/site',
  // Every page is written as …/index.html and linked with a trailing slash.
  trailingSlash: 'always',
  build: { format: 'directory' },
  // No prefetch script or dev toolbar state leaks into pages: the site stays script-free.
  prefetch: false,
  devToolbar: { enabled: false },
  integrations: [plusPreview()],
})
