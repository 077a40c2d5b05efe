/**
 * The admin API under /_emulator (SPEC section 6): no auth, loopback only. Failures use the same CloudError
 * shape as ARM so that one client helper reads both.
 */
import { ArmError, badRequest, type EmulatorResponse, isRecord } from './http';
import { seedFromResetBody } from './presets';
import { normalizeRegion } from './regions';
import { Router } from './router';
import { SeedError } from './seed';
import type { EmulatorState } from './state';

type AdminHandler = (state: EmulatorState, body: () => unknown) => EmulatorResponse;

const MAX_ADVANCE_SECONDS = 10 * 365 * 86_400;

const reset: AdminHandler = (state, body) => {
  try {
    return { status: 200, body: state.reset(seedFromResetBody(body())) };
  } catch (err) {
    if (err instanceof SeedError) throw new ArmError(400, 'InvalidSeed', err.message);
    throw err;
  }
};

const advanceClock: AdminHandler = (state, body) => {
  const b = body();
  const seconds = isRecord(b) ? b.advanceSeconds : undefined;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
    throw badRequest(
      `advanceSeconds must be a number of seconds from 0 to ${MAX_ADVANCE_SECONDS}; time only moves forward.`,
    );
  }
  state.world.clock.advance(seconds);
  return { status: 200, body: { now: new Date(state.world.nowMs()).toISOString() } };
};

const setOutage: AdminHandler = (state, body) => {
  const b = body();
  if (!isRecord(b) || typeof b.region !== 'string' || b.region.trim() === '' || typeof b.down !== 'boolean') {
    throw badRequest('The body must be {"region":"<region>","down":true|false}.');
  }
  const region = normalizeRegion(b.region);
  if (b.down) state.regionsDown.add(region);
  else state.regionsDown.delete(region);
  return { status: 200, body: { regionsDown: [...state.regionsDown] } };
};

export function buildAdminRouter(): Router<AdminHandler> {
  return new Router<AdminHandler>()
    .add('GET', '/_emulator/health', (state) => ({ status: 200, body: { status: 'ok', ...state.summary() } }))
    .add('POST', '/_emulator/reset', reset)
    .add('GET', '/_emulator/faults', (state) => ({ status: 200, body: { rules: state.faults.list() } }))
    .add('POST', '/_emulator/faults', (state, body) => {
      state.faults.add(body());
      return { status: 200, body: { rules: state.faults.list() } };
    })
    .add('DELETE', '/_emulator/faults', (state) => {
      state.faults.clear();
      return { status: 200, body: { rules: [] } };
    })
    .add('GET', '/_emulator/requests', (state) => ({ status: 200, body: { requests: state.requests() } }))
    .add('DELETE', '/_emulator/requests', (state) => {
      state.clearRequests();
      return { status: 200, body: { requests: [] } };
    })
    .add('GET', '/_emulator/clock', (state) => ({
      status: 200,
      body: { now: new Date(state.world.nowMs()).toISOString() },
    }))
    .add('POST', '/_emulator/clock', advanceClock)
    .add('GET', '/_emulator/outage', (state) => ({ status: 200, body: { regionsDown: [...state.regionsDown] } }))
    .add('POST', '/_emulator/outage', setOutage);
}

export type { AdminHandler };
