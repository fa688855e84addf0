/** True for this machine's own addresses (127.0.0.0/8, ::1, and 127.x mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}
