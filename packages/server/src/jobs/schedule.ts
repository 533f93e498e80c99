/**
 * The slot a job repeated every `minutes` is next due in. Keyed by its slot, the job is enqueued
 * once however many nodes enqueue it, and each node's clock agrees on the slot.
 */
export function slotAfter(now: Date, minutes: number): Date {
  const ms = minutes * 60_000;
  return new Date(Math.floor(now.getTime() / ms) * ms + ms);
}
