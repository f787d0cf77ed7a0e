import { describe, expect, it } from 'vitest';
import { SaveTracker } from '../../client/src/session/save-tracker.ts';
import { classifyFrame, encodeSyncStep1Frame } from '../../shared/wire.ts';

describe('SaveTracker: unsaved changes are confirmed only by the answer to a later step 1', () => {
  it('offline changes stay unsaved until the handshake that carries them is followed by an answered probe', () => {
    const tracker = new SaveTracker();
    tracker.localChange();
    tracker.localChange();
    tracker.localChange();
    expect(tracker.unsaved).toBe(3);

    const socket = tracker.openLedger();
    tracker.sent(socket, 'sync-step1'); // the provider's own step 1 on open, before our changes went out
    tracker.received(socket, 'sync-step1'); // the server's step 1
    tracker.received(socket, 'sync-step2'); // answer to the provider's step 1: confirms nothing of ours
    expect(tracker.unsaved).toBe(3);
    expect(tracker.needsProbe(socket)).toBe(false);

    tracker.sent(socket, 'sync-step2'); // our answer: carries the three changes
    expect(tracker.needsProbe(socket)).toBe(true);
    tracker.sent(socket, 'sync-step1'); // the probe
    expect(tracker.needsProbe(socket)).toBe(false);
    tracker.localChange(); // typed while the probe is in flight
    tracker.sent(socket, 'sync-update');
    tracker.received(socket, 'sync-step2'); // the probe's answer
    expect(tracker.unsaved).toBe(1);
    expect(tracker.needsProbe(socket)).toBe(true);
    tracker.sent(socket, 'sync-step1');
    tracker.received(socket, 'sync-step2');
    expect(tracker.unsaved).toBe(0);
  });

  it('a probe lost with its socket confirms nothing; the next socket’s handshake does', () => {
    const tracker = new SaveTracker();
    const first = tracker.openLedger();
    tracker.sent(first, 'sync-step2');
    tracker.localChange();
    tracker.sent(first, 'sync-update');
    tracker.sent(first, 'sync-step1');
    tracker.closed(first);
    tracker.received(first, 'sync-step2'); // a late frame of a dead socket is ignored
    expect(tracker.unsaved).toBe(1);

    const second = tracker.openLedger();
    tracker.sent(second, 'sync-step1');
    tracker.received(second, 'sync-step2');
    expect(tracker.unsaved).toBe(1);
    tracker.sent(second, 'sync-step2');
    tracker.sent(second, 'sync-step1');
    tracker.received(second, 'sync-step2');
    expect(tracker.unsaved).toBe(0);
  });

  it('starts from the count an earlier page load left unconfirmed', () => {
    const tracker = new SaveTracker(5);
    expect(tracker.unsaved).toBe(5);
    const socket = tracker.openLedger();
    tracker.sent(socket, 'sync-update'); // before the handshake a live update proves nothing about older changes
    expect(tracker.needsProbe(socket)).toBe(false);
    tracker.sent(socket, 'sync-step2');
    tracker.sent(socket, 'sync-step1');
    tracker.received(socket, 'sync-step2');
    expect(tracker.unsaved).toBe(0);
  });

  it('classifies y-websocket frames', () => {
    expect(classifyFrame(encodeSyncStep1Frame(new Uint8Array([0])))).toBe('sync-step1');
    expect(classifyFrame(new Uint8Array([0, 1, 0]))).toBe('sync-step2');
    expect(classifyFrame(new Uint8Array([0, 2, 0]))).toBe('sync-update');
    expect(classifyFrame(new Uint8Array([1, 0]))).toBe('awareness');
    expect(classifyFrame(new Uint8Array([]))).toBe('other');
  });
});
