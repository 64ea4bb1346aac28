/**
 * The contract between the alert engine and whatever delivers alerts (editor notifications, the CLI's console,
 * webhook and email notifiers, metrics). Pure data: safe to serialise as JSON.
 */
export interface AlertEvent {
  /** Stable id of the rule (its `id` in alerts.yaml, or derived from its name). */
  readonly ruleId: string;
  readonly ruleName: string;
  /** The rule type, e.g. "price_level", "indicator". */
  readonly ruleType: string;
  readonly exchange: string;
  readonly symbol: string;
  /** The timeframe the rule evaluates on, when it has one. */
  readonly timeframe?: string;
  /** One human sentence, e.g. "BTC/USDT last 61,020.5 crossed above 61,000". */
  readonly message: string;
  /** The value that triggered the rule (price, %, CVD, indicator value …). */
  readonly value: number;
  /** Epoch ms when it fired (market time of the data that triggered it). */
  readonly firedAt: number;
  /** Open time of the bar it fired on, for bar-based rules (backtest markers use it). */
  readonly barTime?: number;
}

export interface NotificationResult {
  readonly notifier: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: string;
}

/** Delivers an alert somewhere. Implementations retry internally and never throw: failures are results. */
export interface Notifier {
  readonly name: string;
  notify(event: AlertEvent): Promise<NotificationResult>;
  close?(): Promise<void>;
}
