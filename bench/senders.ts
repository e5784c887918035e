// What the benches share: the webhook senders (a worker thread posting deliveries, as a provider
// would from outside our process, each queue one connection's worth of sequential requests) and
// reading a process's or thread's CPU from /proc.
import { readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

const SENDER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const { endpoint, queues } = workerData;
  const latencies = [];
  const statuses = {};
  const started = performance.now();
  await Promise.all(queues.map(async (queue) => {
    for (const d of queue) {
      const t0 = performance.now();
      const response = await fetch(endpoint, { method: "POST", headers: d.headers, body: d.body });
      await response.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[response.status] = (statuses[response.status] || 0) + 1;
    }
  }));
  parentPort.postMessage({ latencies, statuses, seconds: (performance.now() - started) / 1000 });
})().catch((error) => { throw error; });
`;

export interface Sent {
  latencies: number[];
  statuses: Record<string, number>;
  seconds: number;
}

export function sendFromWorker(
  endpoint: string,
  queues: { body: string; headers: Record<string, string> }[][],
): Promise<Sent> {
  const worker = new Worker(SENDER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: {
      endpoint,
      queues: queues.map((q) => q.map(({ body, headers }) => ({ body, headers }))),
    },
  });
  return new Promise((resolve, reject) => {
    worker.once("message", (message: Sent) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process or thread, in ms; null when /proc can't tell (not Linux). */
export function cpuMsOf(statPath: string): number | null {
  try {
    // The command name (2nd field) is in parentheses and may hold spaces: count after it.
    const stat = readFileSync(statPath, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** CPU of a process and its descendants (`next start` may fork), in ms. */
export function treeCpuMs(pid: number): number | null {
  const own = cpuMsOf(`/proc/${pid}/stat`);
  if (own === null) return null;
  let total = own;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const child of children ? children.split(" ") : [])
        total += treeCpuMs(Number(child)) ?? 0;
    }
  } catch {
    // a child that just exited
  }
  return total;
}
