/** Time is injected everywhere; nothing in the core reads the system clock. */
export type Clock = () => Date

export const systemClock: Clock = () => new Date()
