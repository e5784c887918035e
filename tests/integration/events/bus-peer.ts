// A second process on the bus, for the cross-process test (tests/integration/events/bus.test.ts):
// `publish <url> <json event>` publishes one event and exits; `listen <url>` prints "ready" once
// it is LISTENing, then prints the first event it receives as a JSON line and exits.
import { openPostgres, setDbHandle } from "@/db/client";
import { eventBusReady, publishEvent, subscribeEvents, type ConsoleEvent } from "@/lib/events/bus";

const [command, url, payload] = process.argv.slice(2);
const handle = openPostgres(url, 1);
setDbHandle(handle);

if (command === "publish") {
  await publishEvent(handle.db, JSON.parse(payload) as ConsoleEvent);
  await handle.close();
} else if (command === "listen") {
  const received = new Promise<ConsoleEvent>((resolve) => subscribeEvents(resolve));
  await eventBusReady();
  console.log("ready");
  const event = await received;
  console.log(JSON.stringify(event));
  await handle.close();
} else {
  console.error("usage: bus-peer publish|listen <url> [event]");
  process.exit(2);
}
