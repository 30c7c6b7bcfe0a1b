/**
 * Failed authentications per client address, counted in fixed windows: past `limit` failures in a window the
 * address is refused (429) until the window ends, however good the key it then sends, so guessing keys costs a
 * window per `limit` tries. Each window with failures becomes one summary (how many, why, how many were refused),
 * which the auth plugin writes to the audit log — one line per address and window, not one per request, so a
 * flood of bad requests cannot flood the log.
 *
 * In memory and per process: behind a load balancer each gateway process counts its own share, so the effective
 * limit is `limit` × processes. The table is bounded (`maxAddresses`); when full, the oldest window is summarised
 * early to make room, so memory stays flat under a spray from many addresses.
 */
export interface AuthFailureSummary {
  address: string;
  from: Date;
  to: Date;
  failures: number;
  /** Failures by reason: "no key", "unknown or revoked key", "malformed Authorization header". */
  reasons: Record<string, number>;
  /** Requests refused with 429 because the address had failed too often. */
  refused: number;
}

export interface AuthFailureOptions {
  /** Failures allowed per address and window before it is refused. */
  limit: number;
  windowMs: number;
  maxAddresses?: number;
  now?: () => Date;
}

interface Window {
  from: Date;
  failures: number;
  reasons: Record<string, number>;
  refused: number;
}

export function createAuthFailureTracker(options: AuthFailureOptions) {
  const now = options.now ?? (() => new Date());
  const maxAddresses = options.maxAddresses ?? 10_000;
  const windows = new Map<string, Window>();
  const finished: AuthFailureSummary[] = [];

  const close = (address: string, window: Window, to: Date) => {
    windows.delete(address);
    finished.push({ address, from: window.from, to, failures: window.failures, reasons: window.reasons, refused: window.refused });
  };

  /** The address's window, closing it first when it has run out. */
  const current = (address: string, at: Date): Window | undefined => {
    const window = windows.get(address);
    if (window && at.getTime() - window.from.getTime() >= options.windowMs) {
      close(address, window, new Date(window.from.getTime() + options.windowMs));
      return undefined;
    }
    return window;
  };

  return {
    /** Seconds until the address may try again, or 0 when it may. A refused attempt is counted in its summary. */
    refusal(address: string): number {
      const at = now();
      const window = current(address, at);
      if (!window || window.failures < options.limit) return 0;
      window.refused += 1;
      return Math.max(1, Math.ceil((window.from.getTime() + options.windowMs - at.getTime()) / 1000));
    },

    recordFailure(address: string, reason: string): void {
      const at = now();
      let window = current(address, at);
      if (!window) {
        if (windows.size >= maxAddresses) {
          const [oldestAddress, oldest] = windows.entries().next().value as [string, Window];
          close(oldestAddress, oldest, at);
        }
        window = { from: at, failures: 0, reasons: {}, refused: 0 };
        windows.set(address, window);
      }
      window.failures += 1;
      window.reasons[reason] = (window.reasons[reason] ?? 0) + 1;
    },

    /** Summaries of the windows that have ended (all of them with `everything`, at shutdown), each handed out once. */
    takeSummaries(everything = false): AuthFailureSummary[] {
      const at = now();
      for (const [address, window] of [...windows]) {
        if (everything) close(address, window, at);
        else current(address, at);
      }
      return finished.splice(0);
    },
  };
}

export type AuthFailureTracker = ReturnType<typeof createAuthFailureTracker>;

/** The audit line's detail for one summary: counts only, never a key or any part of one. */
export function describeAuthFailures(summary: AuthFailureSummary): string {
  const reasons = Object.entries(summary.reasons).map(([reason, count]) => `${reason} ×${count}`).join(', ');
  const refused = summary.refused > 0 ? `; ${summary.refused} more refused (429)` : '';
  return `${summary.failures} failed authentication(s) from ${summary.address} between ${summary.from.toISOString()} and ${summary.to.toISOString()}: ${reasons}${refused}`;
}
