/**
 * One meeting as the meetings service reports it, checked field by field before anything is
 * written. Pure: the adapter hands over the parsed JSON item, this answers the meeting or why not.
 */

export interface MeetingInput {
  meetingId: string;
  /** the host's `sub`, as in the tokens Belfry issued them */
  sub: string;
  /** ISO 8601, normalised to UTC */
  startedAt: string;
  endedAt: string | null;
  /** everyone who joined, the host included */
  attendees: number;
}

export type ParsedMeeting = { ok: true; meeting: MeetingInput } | { ok: false; message: string };

const FIELDS = new Set(['meetingId', 'sub', 'startedAt', 'endedAt', 'attendees']);
const ID_MAX = 256;
/** A clock ahead of Belfry's by a little is tolerated; a meeting further in the future is refused. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** Longer than this is a reporting mistake, not a meeting. */
const LONGEST_MEETING_MS = 7 * 86_400_000;
const MOST_ATTENDEES = 1_000_000;
// A date, a time and an explicit zone (Z or ±hh:mm): a time without a zone means nothing here.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseMeeting(raw: unknown, now: Date): ParsedMeeting {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return refuse('Each meeting is an object with meetingId, sub, startedAt, endedAt and attendees');
  const item = raw as Record<string, unknown>;
  const unknown = Object.keys(item).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) return refuse(`Unknown field "${unknown.slice(0, 64)}"`);
  const meetingId = identifier(item.meetingId);
  if (!meetingId) return refuse(`meetingId must be text of 1-${ID_MAX} printable characters`);
  const sub = identifier(item.sub);
  if (!sub) return refuse(`sub must be text of 1-${ID_MAX} printable characters (the host's token sub)`);
  const startedAt = timestamp(item.startedAt);
  if (startedAt === undefined) return refuse('startedAt must be an ISO 8601 time with a zone (Z or ±hh:mm)');
  if (startedAt > now.getTime() + FUTURE_SKEW_MS) return refuse('startedAt is in the future');
  let endedAt: number | null = null;
  if (item.endedAt !== undefined && item.endedAt !== null) {
    const ended = timestamp(item.endedAt);
    if (ended === undefined) return refuse('endedAt must be an ISO 8601 time with a zone, or null');
    if (ended < startedAt) return refuse('endedAt is before startedAt');
    if (ended > now.getTime() + FUTURE_SKEW_MS) return refuse('endedAt is in the future');
    if (ended - startedAt > LONGEST_MEETING_MS) return refuse('A meeting lasts at most 7 days');
    endedAt = ended;
  }
  const attendees = item.attendees;
  if (
    typeof attendees !== 'number' ||
    !Number.isInteger(attendees) ||
    attendees < 1 ||
    attendees > MOST_ATTENDEES
  )
    return refuse(`attendees must be a whole number from 1 to ${MOST_ATTENDEES} (the host counts)`);
  return {
    ok: true,
    meeting: {
      meetingId,
      sub,
      startedAt: new Date(startedAt).toISOString(),
      endedAt: endedAt === null ? null : new Date(endedAt).toISOString(),
      attendees,
    },
  };
}

const refuse = (message: string): ParsedMeeting => ({ ok: false, message });

function identifier(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > ID_MAX) return undefined;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value ? undefined : value;
}

function timestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
