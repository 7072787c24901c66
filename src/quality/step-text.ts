// The reading text of a step: its text blocks and callouts, as the patient reads them.
import type { Block } from '../types/bundle.generated.ts'
import { lix, type LixCounts } from './lix.ts'

/** The LIX target for text steps. */
export const LIX_TARGET = 40

/** Plain reading text of a step's blocks (text and callouts; films and forms are not prose). */
export function readingText(blocks: ReadonlyArray<Pick<Block, 'type'> & { text?: unknown }>): string {
  return blocks
    .filter((b) => b.type === 'text' || b.type === 'callout')
    .map((b) => String(b.text ?? ''))
    .join('\n')
}

export function stepLix(blocks: ReadonlyArray<Pick<Block, 'type'> & { text?: unknown }>): LixCounts {
  return lix(readingText(blocks))
}
