// How the worker gets into a pod running any image: the pod's start command is a POSIX sh script
// that (1) runs `ow-worker` if the image already has it (our ow-unsloth / ow-vllm images), else
// (2) downloads the self-contained worker executable from the deployment with curl, else wget,
// else python3, (3) checks its sha256, and (4) execs it as the pod's main process, so the job runs
// in the same container. Every step is echoed (RunPod keeps the container log) and posted to the
// worker-api's worker log with the pod's worker token, so `ow workers logs <id>` shows why a pod
// never registered. With no fetcher at all only the container log has the line; the scaler copies
// that log into the worker log when it gives up on the pod.
//
// The script reads everything from the pod's env (set by the scaler): OW_WORKER_URL,
// OW_WORKER_SHA256, OPENWEIGHTS_API_URL, OPENWEIGHTS_WORKER_TOKEN, OW_WORKER_IMAGE.
// After a failure it sleeps instead of exiting: an exiting main process makes RunPod restart the
// container in a loop (downloading again each time); the scaler terminates the pod at its
// startup timeout instead.

export const BOOT_SCRIPT = `set -u
ow_have() { command -v "$1" >/dev/null 2>&1; }
ow_post() {
  [ -n "\${OPENWEIGHTS_WORKER_TOKEN:-}" ] && [ -n "\${OPENWEIGHTS_API_URL:-}" ] || return 0
  u="\${OPENWEIGHTS_API_URL%/}/worker-api/worker-logs"; a="authorization: Bearer $OPENWEIGHTS_WORKER_TOKEN"
  if ow_have curl; then curl -fsS -m 10 -H "$a" -H 'content-type: text/plain' --data-binary "$1" "$u" >/dev/null 2>&1
  elif ow_have wget; then wget -q -T 10 -O /dev/null --header="$a" --header='content-type: text/plain' --post-data="$1" "$u" 2>/dev/null
  elif ow_have python3; then python3 -c 'import sys,urllib.request as r; r.urlopen(r.Request(sys.argv[1],data=sys.argv[3].encode(),headers={"authorization":sys.argv[2],"content-type":"text/plain"}),timeout=10)' "$u" "Bearer $OPENWEIGHTS_WORKER_TOKEN" "$1" 2>/dev/null
  fi
  return 0
}
ow_say() { echo "ow-boot: $1"; ow_post "ow-boot: $1"; }
ow_give_up() { ow_say "$1"; while :; do sleep 3600; done; }
if ow_have ow-worker; then ow_say "image has ow-worker at $(command -v ow-worker); starting it"; exec ow-worker; fi
[ -n "\${OW_WORKER_URL:-}" ] || ow_give_up "image \${OW_WORKER_IMAGE:-?} has no ow-worker and the deployment set no OW_WORKER_URL"
d="\${OW_WORKER_DIR:-/tmp/openweights}"; b="$d/ow-worker"; mkdir -p "$d" || ow_give_up "cannot create $d"
ow_say "downloading the worker from $OW_WORKER_URL"
if ow_have curl; then f=curl; curl -fsSL --retry 3 -o "$b.part" "$OW_WORKER_URL"
elif ow_have wget; then f=wget; wget -q -O "$b.part" "$OW_WORKER_URL"
elif ow_have python3; then f=python3; python3 -c 'import sys,urllib.request as r; r.urlretrieve(sys.argv[1],sys.argv[2])' "$OW_WORKER_URL" "$b.part"
else ow_give_up "image \${OW_WORKER_IMAGE:-?} has no curl, wget or python3 to download the worker: add one of them, or use an image with ow-worker"
fi || ow_give_up "downloading the worker with $f failed (exit $?)"
if ow_have sha256sum; then s=$(sha256sum "$b.part" | cut -d' ' -f1)
elif ow_have python3; then s=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$b.part")
else ow_give_up "image \${OW_WORKER_IMAGE:-?} has neither sha256sum nor python3 to check the worker"
fi
[ "$s" = "\${OW_WORKER_SHA256:-}" ] || ow_give_up "the downloaded worker's sha256 is $s, expected \${OW_WORKER_SHA256:-(unset)}: not starting it"
chmod 755 "$b.part" && mv "$b.part" "$b" || ow_give_up "cannot install the worker at $b"
ow_say "worker downloaded with $f and verified; starting it"
exec "$b"
`;

/** RunPod's start command in its JSON form, which replaces the image's ENTRYPOINT and CMD. */
export function bootArgs(): string {
  // runpod/docs pods/templates/manage-templates.mdx: the start command takes
  // `{"cmd": [...], "entrypoint": [...]}`; a plain string would only replace CMD and be passed to
  // an image's ENTRYPOINT (e.g. vllm/vllm-openai's api server) as arguments.
  return JSON.stringify({ entrypoint: ["/bin/sh", "-c"], cmd: [BOOT_SCRIPT] });
}

export interface WorkerRelease {
  /** Where pods download the self-contained worker executable (linux-x64, glibc). */
  url: string;
  sha256: string;
}

/** The pod env the boot script reads, besides the worker's own API URL and token. */
export function bootEnv(release: WorkerRelease | null): Record<string, string> {
  return release ? { OW_WORKER_URL: release.url, OW_WORKER_SHA256: release.sha256 } : {};
}
