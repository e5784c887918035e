// Where the simulator (components/flows/simulator, written separately) plugs into the designer.
// Until it lands, the slot says what it will do.
export function SimulatorSlot({ flowId }: { flowId: string }) {
  return (
    <div data-flow-id={flowId} className="p-4 text-sm text-slate-600">
      <p className="font-medium text-slate-800">Simulator</p>
      <p className="mt-1">
        Try the saved draft as a customer would, in any of its languages, without taking real money.
      </p>
    </div>
  );
}
