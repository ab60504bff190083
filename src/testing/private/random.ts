/* eslint-disable no-bitwise */ // a 32-bit PRNG is bit arithmetic
import { createHash } from 'crypto';

/**
 * The executor's one source of randomness: a seeded generator (mulberry32), so that `$random()`, `$uuid()`,
 * `States.UUID()`, `States.MathRandom()`, task tokens and FULL retry jitter are the same on every run with the
 * same seed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** A number in [0, 1). */
  public next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A version 4 UUID built from the generator. */
  public uuid(): string {
    const bytes: number[] = [];
    for (let i = 0; i < 16; i++) bytes.push(Math.floor(this.next() * 256));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** A number in [0, 1) derived from `seed` alone (`$random(seed)`): the same seed gives the same number. */
export function randomFromSeed(seed: unknown): number {
  const digest = createHash('sha256').update(JSON.stringify(seed)).digest();
  return digest.readUInt32BE(0) / 4294967296;
}
