import { describe, expect, it } from 'vitest'
import { svgProblem } from '../../src/compiler/validate/svg.ts'

describe('SVG check', () => {
  it('lets drawings through, internal references included', () => {
    expect(svgProblem('<svg xmlns="http://www.w3.org/2000/svg"><title>T</title><use href="#a"/><rect fill="url(#g)"/></svg>')).toBeNull()
  })

  it.each([
    ['<svg><script>alert(1)</script></svg>', 'script'],
    ['<svg><SCRIPT xlink:href="x.js"/></svg>', 'script'],
    ['<svg onload="alert(1)"/>', 'event'],
    ['<svg><a onclick = "x()"/></svg>', 'event'],
    ['<svg><foreignObject><div/></foreignObject></svg>', 'HTML'],
    ['<!DOCTYPE svg [<!ENTITY a "b">]><svg/>', 'DOCTYPE'],
    ['<svg><image href="https://example.org/x.png"/></svg>', 'href'],
    ['<svg><a xlink:href="javascript:alert(1)"/></svg>', 'href'],
    ['<svg><rect style="fill: url(https://example.org/p)"/></svg>', 'url'],
  ])('refuses %s', (svg, word) => {
    expect(svgProblem(svg)?.en).toContain(word)
  })
})
