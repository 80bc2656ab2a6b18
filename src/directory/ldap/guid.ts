/**
 * AD's `objectGUID` and `invocationId` are 16 bytes in Microsoft's GUID layout: the first three
 * fields (4, 2 and 2 bytes) are little-endian, the last 8 bytes are in order. Reading the bytes as
 * plain hex gives a string no AD tool shows, so convert to the canonical form, lower case.
 */
export function guidFromBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length !== 16) return undefined;
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0'));
    return (reverse ? part.reverse() : part).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}
