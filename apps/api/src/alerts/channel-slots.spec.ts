import { ChannelSlots } from './channel-slots';

describe('ChannelSlots', () => {
  it('grants up to the limit at once, per channel', async () => {
    const slots = new ChannelSlots(2, 50);
    expect(await slots.acquire('webhook')).toBe(true);
    expect(await slots.acquire('webhook')).toBe(true);
    expect(await slots.acquire('mail')).toBe(true);
    expect(slots.running('webhook')).toBe(2);
    expect(slots.running('mail')).toBe(1);
  });

  it('hands a released slot to the first waiter, in order', async () => {
    const slots = new ChannelSlots(1, 10_000);
    await slots.acquire('webhook');
    const order: string[] = [];
    const first = slots.acquire('webhook').then((ok) => order.push(`first ${ok}`));
    const second = slots.acquire('webhook').then((ok) => order.push(`second ${ok}`));
    slots.release('webhook');
    await first;
    expect(order).toEqual(['first true']);
    expect(slots.running('webhook')).toBe(1);
    slots.release('webhook');
    await second;
    expect(order).toEqual(['first true', 'second true']);
    slots.release('webhook');
    expect(slots.running('webhook')).toBe(0);
  });

  it('gives up after the wait, and a late release then frees the slot', async () => {
    const slots = new ChannelSlots(1, 20);
    await slots.acquire('webhook');
    const started = Date.now();
    expect(await slots.acquire('webhook')).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    slots.release('webhook');
    expect(slots.running('webhook')).toBe(0);
    expect(await slots.acquire('webhook')).toBe(true);
  });
});
