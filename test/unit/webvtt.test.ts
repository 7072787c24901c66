import { describe, expect, it } from 'vitest'
import { clock, parseTimestamp, readWebVtt } from '../../src/compiler/load/webvtt.ts'

describe('WebVTT reader', () => {
  it('reads cues with identifiers, settings, notes and voice tags', () => {
    const result = readWebVtt('WEBVTT - Svenska\nKind: captions\n\nNOTE en kommentar\n\n1\n00:00.000 --> 00:02.500 align:start\n<v Maria>Hej.\n\n00:00:02.500 --> 00:01:05.000\nRad ett\nRad två\n')
    expect(result).toEqual({ cues: 2, end: 65, words: 5, problems: [] })
  })

  it.each([
    ['no signature', 'WEBVT\n\n00:00.000 --> 00:01.000\nx\n', 1],
    ['bad timing', 'WEBVTT\n\n00:00 --> 00:01.000\nx\n', 3],
    ['end before start', 'WEBVTT\n\n00:05.000 --> 00:01.000\nx\n', 3],
    ['out of order', 'WEBVTT\n\n00:05.000 --> 00:06.000\nx\n\n00:01.000 --> 00:02.000\ny\n', 6],
    ['no text', 'WEBVTT\n\n00:00.000 --> 00:01.000\n', 3],
    ['no cues', 'WEBVTT\n', 1],
  ])('reports %s on its line', (_name, text, line) => {
    expect(readWebVtt(text).problems[0]?.line).toBe(line)
  })

  it('parses timestamps and prints clocks', () => {
    expect(parseTimestamp('01:02:03.500')).toBe(3723.5)
    expect(parseTimestamp('02:03.000')).toBe(123)
    expect(parseTimestamp('2:03.000')).toBeNull()
    expect(clock(185)).toBe('3:05')
    expect(clock(3725)).toBe('1:02:05')
  })
})
