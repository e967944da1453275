// ping-server.mjs MODE DIR: a small HTTP server on 127.0.0.1 for the monitoring tests, standing in
// for healthchecks.io. It listens on a port the OS chooses and writes it to DIR/port (atomically),
// then records each request, once its body is complete, as DIR/N.method, DIR/N.path and DIR/N.body
// (N = 1, 2, ... in arrival order). MODE says how it answers:
//   ok          200 "OK" to every request
//   fail-first  500 to the first request of each path, 200 after (a server that recovers)
//   silent      never answers (a hung server): the client's timeout must end the wait
import { createServer } from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir] = process.argv.slice(2);
if (!['ok', 'fail-first', 'silent'].includes(mode) || dir === undefined) {
  process.stderr.write('usage: ping-server.mjs ok|fail-first|silent DIR\n');
  process.exit(2);
}
let count = 0;
const seen = new Set();
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    count += 1;
    writeFileSync(join(dir, `${count}.body`), Buffer.concat(chunks));
    writeFileSync(join(dir, `${count}.path`), request.url ?? '');
    writeFileSync(join(dir, `${count}.method`), request.method ?? '');
    if (mode === 'silent') return;
    const path = (request.url ?? '').replace(/\?.*$/, '');
    const status = mode === 'fail-first' && !seen.has(path) ? 500 : 200;
    seen.add(path);
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(status === 200 ? 'OK' : 'try again');
  });
});
server.listen(0, '127.0.0.1', () => {
  writeFileSync(join(dir, 'port.tmp'), `${server.address().port}\n`);
  renameSync(join(dir, 'port.tmp'), join(dir, 'port'));
});
