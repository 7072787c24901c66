// Emit: the resolved, validated programme as the runtime bundle — plain tagged JSON with a
// fixed key order, media copied beside it, and a manifest with a content hash. The same
// content always gives byte-identical output: no timestamps, no absolute paths.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type {
  Block,
  MediaFile,
  Module,
  PlusBundle,
  PlusManifest,
  Question,
  Section,
  SignOff,
  Step,
} from '../../types/bundle.generated.ts'
import type { IRBlock, IRModule, IRSection, IRStep, IRTree, MediaRef } from '../ir.ts'
import { BUNDLE_SCHEMA_VERSION, schemasDir } from '../../bundle/contract.ts'
import { mediaKey, type MediaFileState } from '../load/media.ts'
import { summaryOf } from '../section-summary.ts'
import { digestPieces, type PieceHashMemo } from './piece-hash.ts'

export { BUNDLE_SCHEMA_VERSION } from '../../bundle/contract.ts'

/** The files of a bundle folder, by path relative to it. */
export type BundleFiles = Map<string, Uint8Array>

/**
 * The files of a bundle folder, each as pieces whose bytes, one after the other, are the file.
 * plus.json is the outline and each section's JSON as encoded (and cached) on its own: joining
 * several megabytes into one buffer after every save cost more than the rest of a watch-mode
 * rebuild, so they are written and hashed as they are.
 */
export type BundlePieces = Map<string, readonly Uint8Array[]>

export interface EmitResult {
  bundle: PlusBundle
  manifest: PlusManifest
  /** The files, each in one buffer (plus.json is joined from its pieces when first asked for). */
  files: BundleFiles
  /** The same files in pieces: what build() writes. */
  pieces: BundlePieces
}

const sha256 = (pieces: readonly (Uint8Array | string)[]) => pieces.reduce((hash, piece) => hash.update(piece), createHash('sha256')).digest('hex')
const encoder = new TextEncoder()

export interface EmitOptions {
  /** Approvals to record in the manifest for a release build, or null. */
  release: PlusManifest['release']
  /** Work kept between watch-mode builds. */
  cache?: EmitCache
  /** Sections' JSON kept between processes (the persistent build cache). */
  persistent?: SectionStore
}

/**
 * Sections' encoded JSON kept elsewhere (on disk, between processes), by section and the key of
 * what else its output depends on (its module and media). The store knows which file each
 * section came from; a section it cannot place is simply not stored.
 */
export interface SectionStore {
  get(section: IRSection, key: string): Uint8Array | null
  set(section: IRSection, key: string, json: Uint8Array): void
}

/**
 * Serialised sections and media hashes from earlier builds. A resolved section is reused as
 * the same object while its file is unchanged, so its JSON can be reused too, as long as the
 * media it points to and its module are the same.
 */
export interface EmitCache {
  sections: WeakMap<IRSection, EmittedSection>
  /** The last build's plus.json pieces and hash states (see piece-hash.ts). */
  plusJson: PieceHashMemo | null
}

/** One section's output: its encoded JSON, and the object when it was built in this process. */
interface EmittedSection {
  key: string
  section: Section | null
  json: Uint8Array
}

export function createEmitCache(): EmitCache {
  return { sections: new WeakMap(), plusJson: null }
}

/** Builds the bundle. Call only when validation found no errors. */
export function emit(tree: IRTree, media: Map<string, MediaFileState>, options: EmitOptions = { release: null }): EmitResult {
  const programme = tree.programme
  if (!programme) throw new Error('emit() needs a resolved programme; validate first')
  const files: BundlePieces = new Map()
  /** Hashes already known: media files' (read once by loadMedia). */
  const known = new Map<string, string>()
  const moduleIds = new Map(tree.modules.map((m) => [m.dir, m.id]))
  const cache = options.cache ?? createEmitCache()

  const file = (ref: MediaRef): MediaFile => {
    const state = media.get(mediaKey(ref))
    if (state?.status !== 'ok') throw new Error(`emit() needs every media file; ${ref.path} is ${state?.status}`)
    const inside = ref.path.replace(/^media\//, '')
    const target = path.posix.join('media', moduleIds.get(ref.moduleDir) ?? ref.moduleDir, inside)
    files.set(target, [state.bytes])
    known.set(target, state.sha256)
    return {
      path: target,
      mediaType: state.mediaType,
      bytes: state.bytes.byteLength,
      sha256: state.sha256,
    }
  }

  const block = (b: IRBlock): Block => {
    switch (b.type) {
      case 'text':
        return { type: 'text', html: b.html, text: b.text }
      case 'callout':
        return { type: 'callout', variant: b.variant, title: b.title, html: b.html, text: b.text }
      case 'image':
        return { type: 'image', id: b.id, image: file(b.image), alt: b.alt, caption: b.caption }
      case 'film': {
        const captionsState = media.get(mediaKey(b.captions))
        return {
          type: 'film',
          id: b.id,
          title: b.title,
          video: b.video ? file(b.video) : null,
          captions: {
            file: file(b.captions),
            lang: 'sv',
            label: 'Svenska',
            cues: captionsState?.status === 'ok' ? (captionsState.captions?.cues ?? 0) : 0,
          },
          poster: file(b.poster),
          durationSeconds: b.durationSeconds,
          transcript: { html: b.transcript.html, text: b.transcript.text },
        }
      }
      case 'form':
        return {
          type: 'form',
          id: b.id,
          title: b.title,
          kind: b.kind,
          intro: b.intro ? { html: b.intro.html, text: b.intro.text } : null,
          questions: b.questions.map(question),
          scoring: b.scoring
            ? {
                method: 'sum',
                min: b.scoring.min,
                max: b.scoring.max,
                bands: b.scoring.bands.map((band) => ({ min: band.min, max: band.max, label: band.label, level: band.level, html: band.html, text: band.text })),
              }
            : null,
          ...(b.provenance ? { provenance: { source: b.provenance.source, sourceUrl: b.provenance.sourceUrl, licence: b.provenance.licence } } : {}),
        }
      default: {
        const never: never = b
        throw new Error(`unknown block ${JSON.stringify(never)}`)
      }
    }
  }

  /** The latest sign-off for a target (a step id, or null for the section). */
  const signoffOf = (s: IRSection, target: string | null): SignOff | undefined => {
    const found = s.signoffs.filter((o) => o.step === target).sort((a, b) => a.date.localeCompare(b.date)).at(-1)
    return found ? { reviewer: found.reviewer, date: found.date, hash: found.hash } : undefined
  }

  const step = (s: IRStep, section: IRSection): Step => {
    const out: Step = {
      type: 'step',
      id: s.id,
      title: s.title,
      kind: s.kind,
      blocks: s.blocks.map(block),
      source: { file: section.rel, line: s.span.line },
    }
    // Only recorded sign-offs are written, so bundles without any keep their exact shape.
    const signoff = signoffOf(section, s.id)
    if (signoff) out.signoff = signoff
    return out
  }

  // Every media file is copied, whether or not its section comes from the cache.
  for (const ref of tree.collected.media) if (media.get(mediaKey(ref))?.status === 'ok') file(ref)

  /** What a section's output depends on besides its own file: its module and its media. */
  const sectionKey = (s: IRSection, moduleId: string): string => {
    const hashes: string[] = [moduleId]
    for (const ref of summaryOf(s).media) {
      const state = media.get(mediaKey(ref))
      hashes.push(state?.status === 'ok' ? state.sha256 : '')
    }
    return hashes.join('|')
  }

  const cachedSection = (s: IRSection, moduleId: string): EmittedSection => {
    const key = sectionKey(s, moduleId)
    const hit = cache.sections.get(s)
    if (hit && hit.key === key) return hit
    const stored = options.persistent?.get(s, key)
    let entry: EmittedSection
    if (stored) entry = { key, section: null, json: stored }
    else {
      const built = section(s)
      entry = { key, section: built, json: encoder.encode(JSON.stringify(built)) }
      options.persistent?.set(s, key, entry.json)
    }
    cache.sections.set(s, entry)
    return entry
  }

  const section = (s: IRSection): Section => {
    const out: Section = {
      type: 'section',
      id: s.id,
      title: s.title,
      summary: s.summary,
      steps: s.steps.map((st) => step(st, s)),
      source: { file: s.rel, line: 1 },
    }
    const signoff = signoffOf(s, null)
    if (signoff) out.signoff = signoff
    return out
  }

  const emitted = tree.modules.map((m) => m.sections.map((s) => cachedSection(s, m.id)))
  const module = (m: IRModule, i: number): Module => ({
    type: 'module',
    id: m.id,
    title: m.title,
    order: m.order,
    summary: m.summary,
    estimatedMinutes: m.estimatedMinutes,
    review: { status: m.review.status, reviewer: m.review.reviewer, date: m.review.date },
    intro: m.intro ? { html: m.intro.html, text: m.intro.text } : null,
    // Null for a section whose JSON came from the persistent cache: see the bundle below.
    sections: emitted[i]!.map((e) => e.section as Section),
    source: { file: m.rel, line: 1 },
  })

  const outline: PlusBundle = {
    type: 'plus-bundle',
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    programme: {
      type: 'programme',
      id: programme.id,
      title: programme.title,
      version: programme.version,
      durationDays: programme.durationDays,
      welcome: { html: programme.welcome.html, text: programme.welcome.text },
      flags: programme.flags.map((f) => ({ type: 'flag', id: f.id, trigger: f.trigger, recipient: f.recipient, days: f.days, title: f.title, text: f.text })),
      modules: tree.modules.map(module),
    },
  }

  // Compact: the bundle is for machines (it is several megabytes); pretty-print it to read it.
  const plusJson = serialise(outline, emitted.flat().map((e) => e.json))
  files.set('plus.json', plusJson)
  // Only an in-memory cache keeps hash states: a build without one hashes plus.json once anyway.
  const digest = digestPieces(plusJson, options.cache?.plusJson ?? null)
  if (options.cache) options.cache.plusJson = digest.memo
  known.set('plus.json', digest.hex)
  files.set('bundle.schema.json', [readFileSync(path.join(schemasDir, 'bundle.schema.json'))])
  files.set('manifest.schema.json', [readFileSync(path.join(schemasDir, 'manifest.schema.json'))])

  const listed = [...files.keys()].sort().map((p) => {
    const pieces = files.get(p)!
    return { path: p, bytes: byteLength(pieces), sha256: known.get(p) ?? sha256(pieces) }
  })
  const manifest: PlusManifest = {
    type: 'plus-manifest',
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    programmeId: programme.id,
    programmeVersion: programme.version,
    contentHash: `sha256:${sha256([listed.map((f) => `${f.sha256}  ${f.path}\n`).join('')])}`,
    files: listed,
    release: options.release,
  }
  files.set('manifest.json', [encoder.encode(JSON.stringify(manifest, null, 2) + '\n')])
  let joined: BundleFiles | null = null
  const result = {
    manifest,
    pieces: files,
    get files(): BundleFiles {
      return (joined ??= new Map([...files].map(([p, pieces]) => [p, pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)])))
    },
  }
  // A section whose JSON came from the persistent cache has no object: the bundle object is then
  // read back from plus.json when asked for (the same value: the JSON is what it was built from).
  if (emitted.every((sections) => sections.every((e) => e.section))) return Object.assign(result, { bundle: outline })
  let bundle: PlusBundle | null = null
  return Object.defineProperty(result, 'bundle', {
    enumerable: true,
    get: () => (bundle ??= JSON.parse(Buffer.from(result.files.get('plus.json')!).toString('utf8')) as PlusBundle),
  }) as typeof result & { bundle: PlusBundle }
}

const byteLength = (pieces: readonly Uint8Array[]) => pieces.reduce((n, piece) => n + piece.byteLength, 0)

/**
 * The bytes of plus.json, with each section's (cached, already encoded) JSON given: the bundle
 * is stringified with every section replaced by a marker, and the encoded pieces between the
 * markers are joined with the sections' bytes. In watch mode only changed sections are
 * stringified and encoded again.
 */
function serialise(bundle: PlusBundle, fragments: Uint8Array[]): Uint8Array[] {
  let n = 0
  const modules = bundle.programme.modules.map((module) => ({
    ...module,
    sections: module.sections.map(() => `\u0000${n++}\u0000`),
  }))
  const skeleton = JSON.stringify({ ...bundle, programme: { ...bundle.programme, modules } })
  const parts: Uint8Array[] = []
  let last = 0
  for (const match of skeleton.matchAll(/"\\u0000(\d+)\\u0000"/g)) {
    parts.push(encoder.encode(skeleton.slice(last, match.index)), fragments[Number(match[1])]!)
    last = match.index + match[0].length
  }
  parts.push(encoder.encode(skeleton.slice(last) + '\n'))
  return parts
}

/** The fields of a question in the bundle's key order. */
function question(q: Question): Question {
  return {
    id: q.id,
    type: q.type,
    prompt: q.prompt,
    help: q.help ? { html: q.help.html, text: q.help.text } : null,
    required: q.required,
    options: q.options.map((o) => ({ id: o.id, label: o.label, value: o.value })),
    min: q.min,
    max: q.max,
    unit: q.unit,
    rows: q.rows,
    alertFrom: q.alertFrom,
  }
}
