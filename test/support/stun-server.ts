import { createSocket, type RemoteInfo } from 'node:dgram';

/**
 * A minimal STUN server on loopback (RFC 5389 Binding only): enough for ICE to gather
 * server-reflexive candidates in tests without reaching the internet. Counts the requests it answers.
 */
export async function startStunServer(port = 0): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  const socket = createSocket('udp4');
  let requests = 0;
  socket.on('message', (message: Buffer, from: RemoteInfo) => {
    if (message.length < 20 || message.readUInt16BE(0) !== 0x0001 || message.readUInt32BE(4) !== 0x2112a442) return;
    requests++;
    const transactionId = message.subarray(8, 20);
    const xorPort = from.port ^ 0x2112;
    const xorAddress = from.address.split('.').reduce((acc, octet) => (acc << 8) | Number(octet), 0) ^ 0x2112a442;
    const attribute = Buffer.alloc(12);
    attribute.writeUInt16BE(0x0020, 0); // XOR-MAPPED-ADDRESS
    attribute.writeUInt16BE(8, 2);
    attribute.writeUInt8(0x01, 5); // IPv4
    attribute.writeUInt16BE(xorPort, 6);
    attribute.writeUInt32BE(xorAddress >>> 0, 8);
    const header = Buffer.alloc(20);
    header.writeUInt16BE(0x0101, 0); // Binding success
    header.writeUInt16BE(attribute.length, 2);
    header.writeUInt32BE(0x2112a442, 4);
    transactionId.copy(header, 8);
    socket.send(Buffer.concat([header, attribute]), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return { port: socket.address().port, requests: () => requests, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
