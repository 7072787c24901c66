import { describe, expect, it } from 'vitest'
import { mergedOrder, movedIds } from '../../src/diff/order.ts'

describe('movedIds', () => {
  it('does not call items moved because something was inserted or removed before them', () => {
    expect([...movedIds(['a', 'b', 'c'], ['x', 'a', 'b', 'c'])]).toEqual([])
    expect([...movedIds(['a', 'b', 'c'], ['b', 'c'])]).toEqual([])
  })

  it('finds the fewest moves that explain the new order', () => {
    expect([...movedIds(['a', 'b', 'c', 'd'], ['d', 'a', 'b', 'c'])]).toEqual(['d'])
    expect([...movedIds(['a', 'b', 'c', 'd'], ['a', 'c', 'b', 'd'])]).toHaveLength(1)
    expect([...movedIds(['a', 'b', 'c'], ['c', 'b', 'a'])]).toHaveLength(2)
  })
})

describe('mergedOrder', () => {
  it('keeps the new order and puts removed ids after their old neighbour', () => {
    expect(mergedOrder(['a', 'b', 'c', 'd'], ['a', 'c', 'x'])).toEqual(['a', 'b', 'c', 'd', 'x'])
    expect(mergedOrder(['a', 'b', 'c'], ['c'])).toEqual(['a', 'b', 'c'])
    expect(mergedOrder(['a', 'b'], ['x', 'y'])).toEqual(['a', 'b', 'x', 'y'])
    expect(mergedOrder([], ['x'])).toEqual(['x'])
  })
})
