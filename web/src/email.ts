/** A plausible email address, as the console checks it while one types (the API checks again). */
const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/u;

export const isEmailAddress = (text: string) => EMAIL.test(text);

/** InviteUsers takes at most this many addresses a call. */
export const INVITE_BATCH = 50;
