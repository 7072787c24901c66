// A deployment's policies: when in the day flags may go out, and how long a programme may be
// retained ("vidmakthålla"). Chosen by the host in createEngine's options; checked once, when the
// engine is created (a bad value is a configuration error, thrown as a TypeError).
import { DEFAULT_DELIVERY_WINDOW, type DeliveryWindow, deliveryWindow } from './flags.ts'

/** The longest retention by default, in calendar days from the day it is decided. */
export const DEFAULT_MAX_RETENTION_DAYS = 365

/** The policies a deployment may set. */
export interface PolicyOptions {
  /** When flags may be delivered, Stockholm time; default 08:00–20:00. */
  deliveryWindow?: DeliveryWindow
  /**
   * The longest a programme may be retained, in calendar days after the day a clinician retains
   * it; a later end date is refused (`retention-too-long`). Default 365.
   */
  maxRetentionDays?: number
}

/** The policies in force. */
export interface EnginePolicy {
  deliveryWindow: DeliveryWindow
  maxRetentionDays: number
}

/** Checks the options and fills in the defaults. */
export function enginePolicy(options: PolicyOptions = {}): EnginePolicy {
  const maxRetentionDays = options.maxRetentionDays ?? DEFAULT_MAX_RETENTION_DAYS
  if (!Number.isInteger(maxRetentionDays) || maxRetentionDays < 1) throw new TypeError('maxRetentionDays must be a whole number of days, 1 or more')
  return Object.freeze({ deliveryWindow: deliveryWindow(options.deliveryWindow ?? DEFAULT_DELIVERY_WINDOW), maxRetentionDays })
}
