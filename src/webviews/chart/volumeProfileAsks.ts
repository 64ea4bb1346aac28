/** The volume profile mode on the chart page: what the user asked for is shown at once; the host's setting wins once every ask is answered. */
import type { VolumeProfileMode } from '../../shared/protocol';

/**
 * The host keeps the mode in a setting, and writing it can take a while on a busy machine: the page does not wait
 * for the write to show the mode. While an ask is unanswered, a mode from the host (a snapshot, or the setting's
 * change for an earlier ask) is older than what the user sees and is not shown; once all are answered, the host's
 * mode is the truth (the write may have failed, or the setting changed elsewhere meanwhile).
 */
export class VolumeProfileAsks {
  private unanswered = 0;

  constructor(private readonly show: (mode: VolumeProfileMode, confirmed: boolean) => void) {}

  /** The user asked for `mode`: shown now, unconfirmed (the caller sends the ask to the host). */
  ask(mode: VolumeProfileMode): void {
    this.unanswered++;
    this.show(mode, false);
  }

  /** The host's mode, answering `answered` of the asks (0 for a snapshot or a change made elsewhere). */
  fromHost(mode: VolumeProfileMode, answered = 0): void {
    this.unanswered = Math.max(0, this.unanswered - answered);
    if (this.unanswered === 0) this.show(mode, true);
  }
}
