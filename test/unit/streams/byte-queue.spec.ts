import { describe, expect, it } from 'vitest'
import { takeFront } from '../../../src/main/services/streams/byte-queue'

const queueOf = (...texts: string[]) => texts.map((t) => Buffer.from(t))
const text = (queue: Buffer[]) => queue.map((b) => b.toString()).join('|')

describe('taking bytes off the front of a queue of pieces', () => {
  it('gives a view of the first piece when it alone holds them, leaving the rest queued', () => {
    const queue = queueOf('abcdef', 'gh')
    const first = queue[0]!
    const taken = takeFront(queue, 4)
    expect(taken.toString()).toBe('abcd')
    expect(taken.buffer).toBe(first.buffer)
    expect(text(queue)).toBe('ef|gh')
    expect(takeFront(queue, 2).toString()).toBe('ef')
    expect(text(queue)).toBe('gh')
  })

  it('joins pieces into a new buffer when the bytes span them, cutting the last one', () => {
    const queue = queueOf('ab', 'cd', 'efg')
    expect(takeFront(queue, 6).toString()).toBe('abcdef')
    expect(text(queue)).toBe('g')
  })

  it('copies into the given buffer, even from a single piece, and returns exactly the bytes taken', () => {
    const target = Buffer.alloc(8, '.')
    const queue = queueOf('abcdef', 'gh')
    const taken = takeFront(queue, 3, target)
    expect(taken.toString()).toBe('abc')
    expect(taken.buffer).toBe(target.buffer)
    expect(takeFront(queue, 5, target).toString()).toBe('defgh')
    expect(queue).toEqual([])
  })

  it('refuses to take more than the queue holds, saying how much was there', () => {
    expect(() => takeFront(queueOf('ab', 'c'), 5)).toThrow('The queue holds 3 of the 5 bytes asked for.')
  })
})
