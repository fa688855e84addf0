import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHeader, Format, Kind, MessageReader } from '../../../electron/core/python/protocol.js';

function message(kind: number, json: object | undefined, payload: Buffer): Buffer {
  const body = json ? Buffer.from(JSON.stringify(json)) : Buffer.alloc(0);
  const header = encodeHeader({
    kind,
    format: payload.length ? Format.bgr24 : Format.none,
    width: 2,
    height: 1,
    sequence: 7,
    timestamp: 1.5,
    jsonLength: body.length,
    payloadLength: payload.length,
  });
  return Buffer.concat([header, body, payload]);
}

describe('the Python filter protocol', () => {
  it('cuts a stream into messages however the pipe splits it', () => {
    const stream = Buffer.concat([
      message(Kind.ready, undefined, Buffer.alloc(0)),
      message(Kind.result, { results: { n: 1 } }, Buffer.from([1, 2, 3, 4, 5, 6])),
    ]);
    for (const size of [1, 5, 36, 37, stream.length]) {
      const reader = new MessageReader();
      const got: string[] = [];
      for (let at = 0; at < stream.length; at += size) {
        for (const m of reader.push(stream.subarray(at, at + size)))
          got.push(`${m.header.kind}:${m.header.sequence}:${m.header.timestamp}:${JSON.stringify(m.info)}:${[...m.payload].join(',')}`);
      }
      assert.deepEqual(got, ['2:7:1.5:undefined:', '3:7:1.5:{"results":{"n":1}}:1,2,3,4,5,6'], `chunks of ${size}`);
    }
  });

  it('two frames in one chunk keep their own pixels', () => {
    const reader = new MessageReader();
    const [a, b] = reader.push(
      Buffer.concat([
        message(Kind.result, undefined, Buffer.from([1, 1, 1, 1, 1, 1])),
        message(Kind.result, undefined, Buffer.from([2, 2, 2, 2, 2, 2])),
      ]),
    );
    assert.deepEqual([a.payload[0], b.payload[0]], [1, 2]);
  });

  it('refuses a stream that is not ours', () => {
    const bad = message(Kind.result, undefined, Buffer.alloc(6));
    bad.write('JUNK', 0);
    assert.throws(() => new MessageReader().push(bad), /not a CamLoop filter message/);
  });
});

describe('the reader refuses what is too large without holding it', () => {
  it('a 4K mask and 2 MB of JSON are skipped and said, and the stream goes on', () => {
    const header = (json: number, payload: number, width: number, height: number) =>
      encodeHeader({
        kind: Kind.result,
        format: Format.mask8,
        width,
        height,
        sequence: 1,
        timestamp: 0,
        jsonLength: json,
        payloadLength: payload,
      });
    const reader = new MessageReader();
    const got = [
      ...reader.push(header(0, 3840 * 2160, 3840, 2160)),
      ...reader.push(Buffer.alloc(3840 * 2160 - 10)),
      ...reader.push(Buffer.alloc(10)),
      ...reader.push(Buffer.concat([header(2 << 20, 0, 0, 0), Buffer.alloc(2 << 20)])),
      ...reader.push(message(Kind.result, { results: { ok: 1 } }, Buffer.alloc(0))),
    ];
    assert.deepEqual(
      got.map((m) => m.refused ?? JSON.stringify(m.info)),
      [
        'a mask of 3840x2160: at most 2500000 pixels (scale it down: it is scaled to the picture anyway)',
        'results of 2.0 MB of JSON: at most 1.0 MB',
        '{"results":{"ok":1}}',
      ],
    );
    assert.ok((reader as unknown as { body: Buffer }).body.length < 1024, 'nothing of them was kept');
  });
});
