// Run one program on judgeboxd and print its result (PROTOCOL.md section 15).
//
// usage: node client.mjs FILE LANG [STDIN_FILE]
//
// Needs the npm packages of package.json beside this file (zeromq 6,
// msgpackr): npm install, then run it from this directory. The endpoint is
// JUDGEBOX_ENDPOINT, else ipc:///run/judgebox/requests.sock. Prints what
// client.py prints; the same exit statuses.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Packr, Unpackr } from "msgpackr";
import { Dealer } from "zeromq";

const ENDPOINT = process.env.JUDGEBOX_ENDPOINT || "ipc:///run/judgebox/requests.sock";
const WAIT_MS = 60000; // the daemon answers within this, ended or not
const TIMEOUT_MS = WAIT_MS + 10000;
const TERMINAL = ["judged", "cancelled", "failed"];

// Maps, not msgpackr's records (an ext type the daemon refuses); undefined
// as nil, which the daemon reads as "absent" (PROTOCOL.md section 4).
const packr = new Packr({ useRecords: false, encodeUndefinedAsNil: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

function fail(code, message) {
  console.error(message);
  process.exit(code);
}

// Send req on a fresh DEALER; on a timeout, close it and resend the same
// request (same idem, so no second job is made): the lazy pirate pattern.
async function call(req, tries = 3) {
  for (let i = 0; i < tries; i++) {
    const s = new Dealer({ linger: 0, receiveTimeout: TIMEOUT_MS });
    s.connect(ENDPOINT);
    try {
      await s.send(["", packr.pack(req)]); // the empty delimiter, then the body
      for (;;) {
        const frames = await s.receive(); // [empty, body]; bin -> Buffer
        const rep = unpackr.unpack(frames[frames.length - 1]);
        if (rep.rid === undefined || rep.rid === req.rid) return rep;
      }
    } catch (e) {
      if (e.code !== "EAGAIN") throw e; // EAGAIN: receiveTimeout ran out
    } finally {
      s.close();
    }
  }
  fail(4, `judgeboxd did not answer at ${ENDPOINT} (is it running?)`);
}

function check(rep) {
  if (!rep.ok) fail(3, `${rep.error.code}: ${rep.error.message}`);
  return rep.job;
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length < 2 || argv.length > 3) fail(2, "usage: client.mjs FILE LANG [STDIN_FILE]");
  const req = {
    op: "run", rid: 1, lang: argv[1], source: readFileSync(argv[0]),
    wait: true, wait_ms: WAIT_MS, idem: randomUUID().replace(/-/g, ""),
  };
  if (argv.length === 3) req.stdin = readFileSync(argv[2]);
  let job = check(await call(req));
  for (let rid = 2; !TERMINAL.includes(job.state); rid++) // wait_ms ran out, or draining
    job = check(await call({ op: "get", rid, id: job.id, wait: true, wait_ms: WAIT_MS }));
  const result = job.result || {};
  const status = result.status || job.state;
  const lines = [`status ${status}`];
  for (const key of ["exit_code", "cpu_ms", "wall_ms", "memory_kb"])
    lines.push(`${key} ${result[key] ?? "-"}`);
  lines.push("--- stdout", "");
  process.stdout.write(lines.join("\n"));
  process.stdout.write(result.stdout || Buffer.alloc(0)); // bytes: maybe not UTF-8
  process.exitCode = status === "ok" ? 0 : 1;
}

await main();
