import { fuzzServers } from './server-fuzz.ts';
const r = await fuzzServers({ inputs: Number(process.argv[2] ?? 100), seed: 1, log: (s) => console.log(s), only: process.argv[3]?.split(","), checkEvery: 8, peerEvents: "/tmp/peer-events.jsonl" });
console.log(JSON.stringify(r, null, 1));
