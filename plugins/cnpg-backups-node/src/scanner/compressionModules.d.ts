// Minimal typings for the two pure-JS decompressors used to read compressed history files.
declare module 'seek-bzip' {
  const Bunzip: {
    decode(
      input: Uint8Array,
      output: { writeByte(byte: number): void },
      multistream?: boolean,
    ): void;
  };
  export default Bunzip;
}

declare module 'snappyjs' {
  export function uncompress(
    compressed: Uint8Array,
    maxLength?: number,
  ): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
