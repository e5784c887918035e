// The working context of one step: a private copy of the state plus what the step says and
// asks the host to do. Node handlers only talk to this; nothing here touches the outside.
import type { PaymentMethod } from "@/lib/connections/providers/types";
import type { FlowGraph, FlowNode, LocalizedText } from "../graph";
import { localize, phrase, type PhraseKey } from "../i18n";
import { type GraphIndex, targetOf } from "./graph-index";
import { interpolate, resolveVariable } from "./text";
import type {
  ChannelCapabilities,
  ChoiceOption,
  ConversationState,
  OutboundMessage,
  RuntimeAction,
  RuntimeContext,
  StepEvent,
  StepEventKind,
  StepResult,
  TimerKind,
} from "./types";

export type Transition =
  | { kind: "go"; handle: string }
  | { kind: "jump"; nodeId: string }
  | { kind: "wait"; status: "waiting_input" | "waiting_payment" }
  | { kind: "stop"; status: "completed" | "handed_off" | "expired" };

export const go = (handle: string): Transition => ({ kind: "go", handle });
export const jump = (nodeId: string): Transition => ({ kind: "jump", nodeId });
export const waitInput: Transition = { kind: "wait", status: "waiting_input" };
export const waitPayment: Transition = { kind: "wait", status: "waiting_payment" };

const MINUTE_MS = 60_000;

export class Run {
  readonly outbound: OutboundMessage[] = [];
  readonly actions: RuntimeAction[] = [];
  readonly events: StepEvent[] = [];
  inbound: StepResult["inbound"];
  readonly nowMs: number;
  readonly nowIso: string;
  readonly capabilities: ChannelCapabilities;
  readonly availableMethods: readonly PaymentMethod[];
  readonly testMode: boolean;
  readonly merchantName: string;
  readonly timeZone: string;
  readonly reminders: RuntimeContext["reminders"];

  constructor(
    readonly graph: FlowGraph,
    readonly index: GraphIndex,
    readonly state: ConversationState,
    ctx: RuntimeContext,
    nowMs: number,
  ) {
    this.nowMs = nowMs;
    this.nowIso = new Date(nowMs).toISOString();
    this.capabilities = ctx.channelCapabilities;
    this.availableMethods = Array.isArray(ctx.availableMethods) ? ctx.availableMethods : [];
    this.testMode = ctx.testMode === true;
    this.merchantName = typeof ctx.merchantName === "string" ? ctx.merchantName.slice(0, 120) : "";
    this.timeZone = typeof ctx.timeZone === "string" && ctx.timeZone ? ctx.timeZone : "UTC";
    this.reminders = ctx.reminders;
  }

  get currentNode(): FlowNode | undefined {
    return this.state.currentNodeId ? this.index.nodes.get(this.state.currentNodeId) : undefined;
  }

  hasOutput(nodeId: string, handle: string): boolean {
    return targetOf(this.index, nodeId, handle) !== undefined;
  }

  event(kind: StepEventKind, detail?: string, node: FlowNode | undefined = this.currentNode): void {
    const event: StepEvent = {
      nodeId: node?.id ?? "",
      nodeType: node?.type ?? "none",
      kind,
      at: this.nowIso,
    };
    if (detail !== undefined) event.detail = detail;
    this.events.push(event);
  }

  /** Merchant text in the customer's language with {{variables}} filled in. */
  text(localized: LocalizedText | undefined): string {
    return this.fill(localize(localized, this.state.lang, this.graph.defaultLanguage));
  }

  /** A built-in phrase; `values` fill its own placeholders, then conversation variables. */
  phrase(key: PhraseKey, values: Record<string, string> = {}): string {
    return interpolate(phrase(key, this.state.lang), (name) => values[name] ?? this.variable(name));
  }

  fill(template: string): string {
    return interpolate(template, (name) => this.variable(name));
  }

  variable(name: string): string {
    return resolveVariable(name, this.state, this.index, this.graph.defaultLanguage);
  }

  say(text: string): void {
    if (text.trim().length > 0) this.outbound.push({ kind: "text", text });
  }

  /**
   * Buttons when the channel has them; otherwise numbered lines and a hint, and replies
   * are matched by number either way.
   */
  offer(text: string, options: ChoiceOption[]): void {
    if (this.capabilities?.buttons) {
      this.outbound.push({ kind: "choices", text, options });
      return;
    }
    const lines = options.map((option, i) => `${i + 1}. ${option.label}`);
    this.outbound.push({
      kind: "text",
      text: [text, ...lines, phrase("numbered_hint", this.state.lang)].filter(Boolean).join("\n"),
    });
  }

  action(action: RuntimeAction): void {
    this.actions.push(action);
  }

  minutesFromNow(minutes: number): string {
    return new Date(this.nowMs + minutes * MINUTE_MS).toISOString();
  }

  /** Replaces any running timer: a conversation waits on one thing at a time. */
  scheduleTimer(kind: TimerKind, minutes: number): void {
    this.scheduleTimerAt(kind, this.minutesFromNow(minutes));
  }

  scheduleTimerAt(kind: TimerKind, runAt: string): void {
    this.cancelTimer();
    const nodeId = this.state.currentNodeId ?? "none";
    this.state.timerSeq += 1;
    const timerId = `${this.state.conversationKey}:${kind}:${nodeId}:${this.state.timerSeq}`;
    this.state.timer = { timerId, kind };
    this.action({ type: "schedule_timer", timerId, kind, runAt });
  }

  cancelTimer(): void {
    if (!this.state.timer) return;
    this.action({ type: "cancel_timer", timerId: this.state.timer.timerId });
    this.state.timer = undefined;
  }

  /** Ends the bot's part: a person takes over from here. */
  handOff(key: PhraseKey | null, detail?: string): Transition {
    if (key) this.say(this.phrase(key));
    this.action({ type: "handoff" });
    this.event("handed_off", detail);
    return { kind: "stop", status: "handed_off" };
  }
}
