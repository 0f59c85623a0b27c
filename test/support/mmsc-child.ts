/**
 * Runs the reference MMSC in a child process for the durability test (and by hand):
 * `tsx test/support/mmsc-child.ts '<config JSON>'`. Prints `READY <MM1 url>` once
 * listening; runs until killed.
 */
import { startReferenceMmsc } from '../../src/mmsc/index.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const running = await startReferenceMmsc(config);
const startCpu = process.cpuUsage();
process.stdout.write(`READY ${running.endpoints[0].url} ${running.core.outbox.pending}\n`);
process.on('SIGTERM', () => {
  // CPU spent serving (start-up, i.e. loading and compiling the TypeScript, excluded)
  const cpu = process.cpuUsage(startCpu);
  process.stdout.write(`CPU ${cpu.user + cpu.system}\n`);
  void running.stop().then(() => process.exit(0));
});
