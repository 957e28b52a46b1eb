import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { expect, it } from 'vitest';
import { makePerson } from '../roster/testing.ts';
import { describeEachDatabase } from './test-databases.ts';
import { makeWorld, startTestApp } from './testing.ts';

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `request` as raw bytes to a listening server and reads the answer until the server closes. */
function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close while we are still writing the oversized headers.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ statusCode: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(request);
  });
}

/** Our error shape: `{"error":{code,message,field?}}` and nothing else, with a request id header. */
function expectOurError(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  expect(Object.keys(body.error).every((key) => ['code', 'message', 'field', 'requestId'].includes(key))).toBe(true);
  return body.error;
}

describeEachDatabase('errors outside the routes', (database) => {
  it('answers bad percent-encoding in the URL with bad_request', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const response = await client.request({ method: 'GET', url: '/api/people/%E0%A4%A', as: sessions.investigator });
    const error = expectOurError(response, 400, 'bad_request');
    expect(error.message).toMatch(/percent-encod/);
  });

  it('answers a path parameter over the length limit with uri_too_long', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const response = await client.request({ method: 'GET', url: `/api/people/${'1'.repeat(200)}`, as: sessions.investigator });
    const error = expectOurError(response, 414, 'uri_too_long');
    expect(error.message).toMatch(/longer than/);
  });

  it('answers an unsupported media type with unsupported_media_type', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    const response = await client.request({ method: 'POST', url: '/api/people', as: sessions.admin, payload: 'designation=JB-100', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const error = expectOurError(response, 415, 'unsupported_media_type');
    expect(error.message).toMatch(/application\/x-www-form-urlencoded/);
  });

  it('answers headers over the size limit with headers_too_large from a real server', async () => {
    const client = await startTestApp(database());
    await client.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = client.app.server.address() as AddressInfo;
      const response = await rawRequest(port, `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
      const error = expectOurError(response, 431, 'headers_too_large');
      expect(error.message).toMatch(/headers/);
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
      // The server still answers the next request.
      const healthy = await rawRequest(port, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      expect(healthy.statusCode).toBe(200);
    } finally {
      await client.app.close();
    }
  });

  it('answers a request that is not HTTP with bad_request from a real server', async () => {
    const client = await startTestApp(database());
    await client.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = client.app.server.address() as AddressInfo;
      expectOurError(await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'bad_request');
    } finally {
      await client.app.close();
    }
  });

  it('answers a request not received in time with request_timeout', async () => {
    const client = await startTestApp(database());
    await client.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = client.app.server.address() as AddressInfo;
      const serverSide = new Promise<Socket>((resolve) => client.app.server.once('connection', resolve));
      const answer = rawRequest(port, 'GET /api/health HTTP/1.1\r\n');
      // What Node emits when requestTimeout passes before the request is complete.
      client.app.server.emit('clientError', Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), await serverSide);
      expectOurError(await answer, 408, 'request_timeout');
    } finally {
      await client.app.close();
    }
  });

  it('parses path ids strictly: never another person for a sloppy id', async () => {
    const client = await startTestApp(database());
    const { sessions } = await makeWorld(database());
    let last = 0;
    while (last < 16) last = (await makePerson(database().db)).id;
    const get = (id: string) => client.request({ method: 'GET', url: `/api/people/${id}`, as: sessions.investigator });
    // The well-formed ids answer, so a refusal below is the parsing, not a missing person.
    expect((await get('16')).statusCode).toBe(200);
    expect((await get('1')).statusCode).toBe(200);

    for (const id of ['0x10', '%201', '1%20', '1.0', '1e1', '+1', '-1', '0', '01', 'one', '99999999999999999999', '2147483648']) {
      const response = await get(id);
      const error = expectOurError({ ...response, headers: response.headers }, 400, 'bad_request');
      expect(error.field, id).toBe('id');
      expect(error.message, id).toMatch(/^id: must be/);
    }
    // A well-formed id that no one has is simply not found, on both databases (not a 500 for an id
    // past PostgreSQL's integer).
    expectOurError(await get('2147483647'), 404, 'not_found');
  });

  it('documents path ids as integers in the OpenAPI document (the datapad types its calls from it)', async () => {
    const client = await startTestApp(database());
    const doc = (await client.request({ method: 'GET', url: '/api/openapi.json' })).json();
    const parameters = (path: string, method: string) => doc.paths[path][method].parameters as { name: string; in: string; schema: Record<string, unknown> }[];
    expect(parameters('/api/people/{id}', 'get').find((p) => p.name === 'id')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 2147483647 });
    expect(parameters('/api/units/{id}/drills/{drillId}/leaderboard', 'get').find((p) => p.name === 'drillId')?.schema).toMatchObject({ type: 'integer' });
  });

  it('names the second id parameter of a route when it is the bad one', async () => {
    const client = await startTestApp(database());
    const { sessions, platoon } = await makeWorld(database());
    const response = await client.request({ method: 'GET', url: `/api/units/${platoon.id}/drills/0x1/leaderboard`, as: sessions.investigator });
    const error = expectOurError(response, 400, 'bad_request');
    expect(error).toMatchObject({ field: 'drillId', message: 'drillId: must be a whole number like 42' });
  });
});
