// The ceiling for one Node process: a bare node:http server that checks the password header, parses a
// pulse JSON body and answers a pulse reply of the same shape and size as the API's (§5.2).
// Usage: node bench/baseline-server.mjs PORT PASSWORD   (prints "listening PORT" when ready)
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
const password = process.argv[3] ?? '';

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let status = 200;
    let reply;
    try {
      if (password && req.headers.password !== password) {
        status = 401;
        reply = { hint: 'wrong password', result: 401 };
      } else {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const now = Math.floor(Date.now() / 1000);
        const nextIn = Math.trunc(Number(body.nextIn));
        reply = {
          action: 'pulse',
          heartBeat: {
            alertTarget: body.alertTarget,
            alertType: body.alertType,
            alerted: false,
            cancelled: false,
            expected: now + nextIn,
            last: now,
            nextIn,
            service: body.service,
          },
          result: 200,
        };
      }
    } catch {
      status = 400;
      reply = { hint: 'invalid JSON body', result: 400 };
    }
    const out = JSON.stringify(reply);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(out),
    });
    res.end(out);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
