import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../gateway/access/loopback-client.js';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('takes %s for this machine', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['10.0.0.1', '::ffff:10.0.0.1', '1127.0.0.1', '127.0.0.1.example.org', '::2', '0.0.0.0', '', undefined])('takes %s for another machine', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
