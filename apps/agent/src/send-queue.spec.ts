import { SendQueue } from './send-queue';

describe(SendQueue.name, () => {
  it('is a FIFO whose batches are peeked, not taken', () => {
    const queue = new SendQueue(10);
    ['a', 'b', 'c'].forEach((item) => queue.push(item));
    expect(queue.peek(2).map((entry) => entry.json)).toEqual(['a', 'b']);
    expect(queue.peek(2).map((entry) => entry.json)).toEqual(['a', 'b']);
    expect(queue.depth).toBe(3);
    expect(queue.peek(1)[0].bytes).toBe(1);
  });

  it('drops the oldest when full and counts each drop', () => {
    const queue = new SendQueue(2);
    ['a', 'b', 'c', 'd'].forEach((item) => queue.push(item));
    expect(queue.peek(10).map((entry) => entry.json)).toEqual(['c', 'd']);
    expect(queue.dropped).toBe(2);
    expect(queue.depth).toBe(2);
  });

  it('removes acknowledged entries by identity, even after a drop shifted the queue under an in-flight batch', () => {
    const queue = new SendQueue(3);
    ['a', 'b', 'c'].forEach((item) => queue.push(item));
    const inFlight = queue.peek(2); // a, b
    queue.push('d'); // drops a
    expect(queue.remove(inFlight)).toBe(1);
    expect(queue.peek(10).map((entry) => entry.json)).toEqual(['c', 'd']);
  });

  it('keeps what the caller leaves out of the removal (status >= 500) at the head', () => {
    const queue = new SendQueue(10);
    ['a', 'b', 'c', 'd'].forEach((item) => queue.push(item));
    const [a, b, c] = queue.peek(3);
    queue.remove([a, c]);
    expect(queue.peek(10).map((entry) => entry.json)).toEqual([b.json, 'd']);
  });
});
