// Changes to the blocks of one step, forms excepted (forms are compared by id across the whole
// programme, see forms.ts). Films and images with ids are matched by id; text, callouts and
// images without ids have no identity, so they are matched by position among blocks of their type.
import type { Block, CalloutBlock, FilmBlock, ImageBlock, MediaFile, Step } from '../types/bundle.generated.ts'
import { movedIds } from './order.ts'
import type { BlockChange, BlockRef, FileRef, FilmFieldChange } from './types.ts'

type ContentBlock = Exclude<Block, { type: 'form' }>

interface Keyed {
  key: string
  ref: BlockRef
  block: ContentBlock
}

/** The step's non-form blocks, each with a matching key and the ref reports use. */
function keyed(step: Step): Keyed[] {
  const nthOfType = new Map<string, number>()
  const nthWithoutId = new Map<string, number>()
  const out: Keyed[] = []
  for (const block of step.blocks) {
    if (block.type === 'form') continue
    const nth = nthOfType.get(block.type) ?? 0
    nthOfType.set(block.type, nth + 1)
    const id = block.type === 'film' || block.type === 'image' ? block.id : null
    let key: string
    if (id !== null) key = `${block.type}#${id}`
    else {
      const k = nthWithoutId.get(block.type) ?? 0
      nthWithoutId.set(block.type, k + 1)
      key = `${block.type}@${k}`
    }
    out.push({ key, block, ref: { blockType: block.type, id, nth, title: titleOf(block) } })
  }
  return out
}

function titleOf(block: ContentBlock): string | null {
  switch (block.type) {
    case 'text':
      return null
    case 'callout':
      return block.title
    case 'image':
      return block.alt
    case 'film':
      return block.title
    default: {
      const never: never = block
      throw new Error(`unknown block ${String(never)}`)
    }
  }
}

export function diffBlocks(before: Step, after: Step): BlockChange[] {
  const a = keyed(before)
  const b = keyed(after)
  const old = new Map(a.map((k) => [k.key, k]))
  const now = new Map(b.map((k) => [k.key, k]))
  const changes: BlockChange[] = []
  for (const k of a) if (!now.has(k.key)) changes.push({ type: 'block-removed', block: k.ref })
  for (const k of b) if (!old.has(k.key)) changes.push({ type: 'block-added', block: k.ref })
  const moved = movedIds(a.map((k) => k.key), b.map((k) => k.key))
  if (moved.size > 0) {
    const common = (list: Keyed[], other: Map<string, Keyed>) => list.filter((k) => other.has(k.key)).map((k) => k.ref)
    changes.push({ type: 'blocks-reordered', before: common(a, now), after: common(b, old) })
  }
  for (const k of b) {
    const previous = old.get(k.key)
    if (previous) changes.push(...diffBlock(previous.block, k.block, k.ref))
  }
  return changes
}

function diffBlock(a: ContentBlock, b: ContentBlock, ref: BlockRef): BlockChange[] {
  if (a.type === 'text' && b.type === 'text') {
    return a.html === b.html ? [] : [{ type: 'text-changed', block: ref, before: a.text, after: b.text }]
  }
  if (a.type === 'callout' && b.type === 'callout') return diffCallout(a, b, ref)
  if (a.type === 'image' && b.type === 'image') return diffImage(a, b, ref)
  if (a.type === 'film' && b.type === 'film') return diffFilm(a, b, ref)
  // Keys include the block type, so matched blocks always have the same type.
  throw new Error(`matched blocks of different types: ${a.type}, ${b.type}`)
}

function diffCallout(a: CalloutBlock, b: CalloutBlock, ref: BlockRef): BlockChange[] {
  const changes: BlockChange[] = []
  const fields: Extract<BlockChange, { type: 'callout-changed' }>['changes'] = []
  if (a.variant !== b.variant) fields.push({ field: 'variant', before: a.variant, after: b.variant })
  if (a.title !== b.title) fields.push({ field: 'title', before: a.title, after: b.title })
  if (fields.length) changes.push({ type: 'callout-changed', block: ref, changes: fields })
  if (a.html !== b.html) changes.push({ type: 'text-changed', block: ref, before: a.text, after: b.text })
  return changes
}

function diffImage(a: ImageBlock, b: ImageBlock, ref: BlockRef): BlockChange[] {
  const fields: Extract<BlockChange, { type: 'image-changed' }>['changes'] = []
  if (!sameFile(a.image, b.image)) fields.push({ field: 'file', before: fileRef(a.image), after: fileRef(b.image) })
  if (a.alt !== b.alt) fields.push({ field: 'alt', before: a.alt, after: b.alt })
  if (a.caption !== b.caption) fields.push({ field: 'caption', before: a.caption, after: b.caption })
  return fields.length ? [{ type: 'image-changed', block: ref, changes: fields }] : []
}

function diffFilm(a: FilmBlock, b: FilmBlock, ref: BlockRef): BlockChange[] {
  const fields: FilmFieldChange[] = []
  if (a.title !== b.title) fields.push({ field: 'title', before: a.title, after: b.title })
  if (a.durationSeconds !== b.durationSeconds) fields.push({ field: 'durationSeconds', before: a.durationSeconds, after: b.durationSeconds })
  const videoSame = a.video === null || b.video === null ? a.video === b.video : sameFile(a.video, b.video)
  if (!videoSame) fields.push({ field: 'video', before: a.video && fileRef(a.video), after: b.video && fileRef(b.video) })
  if (!sameFile(a.captions.file, b.captions.file)) fields.push({ field: 'captions', before: fileRef(a.captions.file), after: fileRef(b.captions.file) })
  if (a.captions.cues !== b.captions.cues) fields.push({ field: 'captionCues', before: a.captions.cues, after: b.captions.cues })
  if (!sameFile(a.poster, b.poster)) fields.push({ field: 'poster', before: fileRef(a.poster), after: fileRef(b.poster) })
  if (a.transcript.html !== b.transcript.html) fields.push({ field: 'transcript', before: a.transcript.text, after: b.transcript.text })
  return fields.length ? [{ type: 'film-changed', block: ref, changes: fields }] : []
}

/** Same content at the same path. A renamed file with the same bytes still counts as changed. */
function sameFile(a: MediaFile, b: MediaFile): boolean {
  return a.sha256 === b.sha256 && a.path === b.path
}

function fileRef(file: MediaFile): FileRef {
  return { path: file.path, sha256: file.sha256 }
}
