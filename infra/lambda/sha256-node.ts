/**
 * Lambda bundles only (esbuild alias of `@smithy/core/checksum`, infra/bundling.ts): the SHA-256 the SDK signs
 * requests with (its `Sha256`), on node:crypto. The original module picks node:crypto too, but falls back to a
 * pure-JavaScript SHA-256 when crypto lacks it, and that fallback (3.3 KB) is bundled although Node always has
 * it. The SDK's clients import only `Sha256` from this module; should another import appear, the bundle fails to
 * build instead of running without it. Same behaviour as the SDK's Node class: an HMAC when given a secret,
 * `digest()` of a plain hash leaves it open for more `update()`s.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type Data = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: Data): string | Buffer =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

export class Sha256 {
  readonly digestLength = 32;
  private readonly isHmac: boolean;
  private hash: Hash | Hmac;
  private finished = false;

  constructor(private readonly secret?: Data) {
    this.isHmac = !!secret;
    this.hash = this.create();
  }

  update(data: Data): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    let buffer: Buffer;
    if (this.isHmac) {
      this.finished = true;
      buffer = this.hash.digest();
    } else {
      buffer = (this.hash as Hash).copy().digest();
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  reset(): void {
    this.hash = this.create();
    this.finished = false;
  }

  private create(): Hash | Hmac {
    return this.isHmac ? createHmac('sha256', toBuffer(this.secret!)) : createHash('sha256');
  }
}
