/** The replay toolbar every panel shows on a replayed market: it says it is a replay, where its clock stands, and drives it. */
import { replayCanMove, replayClock, replayState, replayStatusText, REPLAY_SEEKS, REPLAY_SPEEDS } from './replayModel';
import { setBodyData } from './dataset';
import { Select, type SelectOption } from './Select';
import { useStore } from './store';
import { post } from './vscode';

const SPEED_OPTIONS: readonly SelectOption[] = REPLAY_SPEEDS.map((v) => ({ value: String(v), label: `${v}×` }));
const playAt = (speed: string) => post({ method: 'replay/control', params: { action: 'play', speed: Number(speed) } });

export function ReplayBar() {
  const s = useStore(replayState);
  setBodyData('replay', s ? s.status : '');
  setBodyData('replayPosition', s?.position);
  if (!s) return null;
  const moving = replayCanMove(s);
  return (
    <div class={`replay-bar replay-${s.status}`} role="toolbar" aria-label="Replay controls">
      <span class="replay-label" role="status" aria-live="polite">{replayStatusText(s)}</span>
      <span class="replay-clock" title={`started at ${replayClock(s.start)}`}>{replayClock(s.position)}</span>
      {s.status === 'playing' ? (
        <button type="button" class="tool-button replay-pause" title="Pause the replay" onClick={() => post({ method: 'replay/control', params: { action: 'pause' } })}>
          ❚❚ Pause
        </button>
      ) : (
        <button type="button" class="tool-button replay-play" title="Play the replay" disabled={!moving} onClick={() => post({ method: 'replay/control', params: { action: 'play' } })}>
          ▶ Play
        </button>
      )}
      <button type="button" class="tool-button active replay-step" title="Step to the next recorded trade" disabled={!moving} onClick={() => post({ method: 'replay/control', params: { action: 'step' } })}>
        Step
      </button>
      <span class="replay-speed">
        <span aria-hidden="true">Speed</span>
        <Select class="select-speed" label="Replay speed" value={String(s.speed)} options={SPEED_OPTIONS} disabled={!moving} onChange={playAt} />
      </span>
      {REPLAY_SEEKS.map((k) => (
        <button type="button" class="tool-button active replay-seek" title={`Seek ${k.by < 0 ? 'back' : 'forward'} ${k.label.slice(1)}`} disabled={k.by < 0 ? s.status === 'failed' || s.position < s.start : !moving} onClick={() => post({ method: 'replay/control', params: { action: 'seek', by: k.by } })}>
          {k.label}
        </button>
      ))}
    </div>
  );
}
