#!/usr/bin/env -S node --max-semi-space-size=64
// The `plus` command (the package's `bin`). Plain JavaScript, because Node does not strip types
// from files under node_modules: in the installed package it runs the compiled CLI in dist/lib;
// in this repository, where src/ is present, it runs the source, so `npx plus` always runs what
// is checked out and needs no build first.
import { existsSync } from 'node:fs'
import module from 'node:module'

// Node's on-disk compile cache (in the system's temporary folder, or NODE_COMPILE_CACHE): later
// starts reuse the compiled code of every module, and of the type-stripped sources, instead of
// compiling them again — a large share of a short command's time.
module.enableCompileCache?.()

const source = new URL('../src/cli/bin.ts', import.meta.url)
await import(existsSync(source) ? source.href : new URL('../dist/lib/cli/bin.js', import.meta.url).href)
