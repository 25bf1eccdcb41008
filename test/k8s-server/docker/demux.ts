// Splits Docker's multiplexed attach/exec/logs stream (used when there is no TTY) into
// stdout and stderr payloads. Each frame: 1 byte stream type (1 stdout, 2 stderr),
// 3 zero bytes, 4 bytes big-endian payload length, then the payload. Chunks may split
// frames anywhere, so partial headers and payloads are carried over.

export type DemuxSink = (stream: 1 | 2, payload: Buffer) => void;

export class DockerDemuxer {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly sink: DemuxSink) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 8) {
      const size = this.buffered.readUInt32BE(4);
      if (this.buffered.length < 8 + size) return;
      const type = this.buffered[0];
      const payload = this.buffered.subarray(8, 8 + size);
      this.buffered = this.buffered.subarray(8 + size);
      // Type 0 (stdin echo) does not occur for exec/logs; treat anything but 2 as stdout.
      if (payload.length) this.sink(type === 2 ? 2 : 1, payload);
    }
  }

  /** Bytes of an incomplete frame left at end of stream (should be 0). */
  get leftover(): number {
    return this.buffered.length;
  }
}
