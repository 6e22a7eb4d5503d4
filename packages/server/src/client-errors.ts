import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the server does when a connection fails below the request level:
 * a request timeout (REQUEST_TIMEOUT_MS), an oversized header, a parse error.
 *
 * Fastify's default writes a raw `HTTP/1.1 408 …` response to the socket
 * even when a response is already streaming on it, which splices a second
 * response into the middle of the first's chunked body: a batch upload cut
 * off by REQUEST_TIMEOUT_MS reached the client as a corrupt stream. Here a
 * socket whose response has started is only closed (the client sees a
 * truncated answer); otherwise the status is answered as Fastify would.
 */
export function clientErrors(): {
  handler: (this: FastifyInstance, error: Error & { code?: string }, socket: Socket) => void;
  track: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
} {
  const responses = new WeakMap<Socket, ServerResponse>();
  return {
    track(request, reply, done) {
      responses.set(request.raw.socket, reply.raw);
      done();
    },
    handler(error, socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const response = responses.get(socket);
      if (response !== undefined && response.headersSent && !response.writableEnded) {
        this.log.info({ err: error }, 'connection closed mid-response');
        socket.destroy(error);
        return;
      }
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const text = STATUS_CODES[status] ?? 'Error';
      const body = JSON.stringify({ error: text, message: error.code ?? 'client error', statusCode: status });
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  };
}
