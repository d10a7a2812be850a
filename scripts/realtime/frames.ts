// Phoenix socket frames as Supabase Realtime speaks them (the serializers named by the `vsn`
// query parameter). Shapes from the published clients: `@supabase/realtime-js` lib/serializer and
// Phoenix's V1/V2 JSON serializers.
//   vsn 1.0.0: a JSON object {join_ref, ref, topic, event, payload}
//   vsn 2.0.0: a JSON array  [join_ref, ref, topic, event, payload], plus binary frames for user
//              broadcasts (kind 3 = client push, kind 4 = server broadcast).
import { z } from "zod";

export type Vsn = "1.0.0" | "2.0.0";

export interface Frame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

const Payload = z.record(z.string(), z.unknown());
const V1Frame = z.object({
  join_ref: z.string().nullable().optional(),
  ref: z.string().nullable().optional(),
  topic: z.string(),
  event: z.string(),
  payload: Payload,
});
const V2Frame = z.tuple([z.string().nullable(), z.string().nullable(), z.string(), z.string(), Payload]);

/** Kind byte of a client→server user broadcast in realtime-js's binary serializer. */
const USER_BROADCAST_PUSH = 3;
const JSON_ENCODING = 1;

export class FrameError extends Error {}

export function decodeFrame(data: Buffer | string, isBinary: boolean, vsn: Vsn): Frame {
  if (isBinary) return decodeBinaryPush(typeof data === "string" ? Buffer.from(data) : data);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === "string" ? data : data.toString("utf8"));
  } catch {
    throw new FrameError("frame is not JSON");
  }
  if (vsn === "1.0.0") {
    const f = V1Frame.safeParse(parsed);
    if (!f.success) throw new FrameError("frame is not a Phoenix V1 message");
    return { join_ref: f.data.join_ref ?? null, ref: f.data.ref ?? null, ...f.data };
  }
  const f = V2Frame.safeParse(parsed);
  if (!f.success) throw new FrameError("frame is not a Phoenix V2 message");
  const [join_ref, ref, topic, event, payload] = f.data;
  return { join_ref, ref, topic, event, payload };
}

export function encodeFrame(frame: Frame, vsn: Vsn): string {
  if (vsn === "1.0.0") return JSON.stringify(frame);
  return JSON.stringify([frame.join_ref, frame.ref, frame.topic, frame.event, frame.payload]);
}

/**
 * Kind 3 layout: kind, join_ref length, ref length, topic length, user event length, metadata
 * length, payload encoding (0 binary, 1 JSON), then those strings, then the payload bytes.
 */
function decodeBinaryPush(buf: Buffer): Frame {
  if (buf.length < 7 || buf[0] !== USER_BROADCAST_PUSH) throw new FrameError("unknown binary frame");
  const lengths = [buf[1]!, buf[2]!, buf[3]!, buf[4]!, buf[5]!];
  const encoding = buf[6]!;
  let offset = 7;
  const take = (n: number) => {
    if (offset + n > buf.length) throw new FrameError("binary frame is truncated");
    const s = buf.subarray(offset, offset + n).toString("utf8");
    offset += n;
    return s;
  };
  const [joinRef, ref, topic, userEvent, metadata] = lengths.map(take) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const body = buf.subarray(offset);
  let payload: unknown;
  try {
    payload = encoding === JSON_ENCODING ? JSON.parse(body.toString("utf8")) : body.toString("base64");
    const meta = metadata.length > 0 ? (JSON.parse(metadata) as Record<string, unknown>) : {};
    return {
      join_ref: joinRef || null,
      ref: ref || null,
      topic,
      event: "broadcast",
      payload: { ...meta, type: "broadcast", event: userEvent, payload },
    };
  } catch {
    throw new FrameError("binary frame payload is not JSON");
  }
}
