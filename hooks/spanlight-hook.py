#!/usr/bin/env python3
# Spanlight command hook for Claude Code (Python 3 standard library). spanlight-hook-version: 2
#
# The same behaviour and spool layout as spanlight-hook.sh, for images without curl: the payload
# is spooled, a detached child delivers the spool oldest first under a lock, and the hook exits 0
# at once with nothing on stdout. Environment variables: see spanlight-hook.sh.
# Run it as `python3 -I -S spanlight-hook.py`: skipping site-packages halves the start-up time.
import os
import sys
import time

BATCH_MAX = 50
CONNECT_TIMEOUT_S = 2
REQUEST_TIMEOUT_S = 10
DEFAULT_URL = "http://127.0.0.1:9292/v1/hooks/claude-code"


def env(name, default=""):
    value = os.environ.get(name, "")
    return value if value != "" else default


def spool_dir():
    """The spool; None when the /tmp one (no HOME) is not the user's own to use."""
    if env("SPANLIGHT_SPOOL"):
        return env("SPANLIGHT_SPOOL")
    if env("HOME"):
        return os.path.join(env("HOME"), ".spanlight", "spool")
    # Without HOME the spool is under /tmp, where another user could have made the directory first
    # (to read payloads, or plant a .url): use it only if it is ours, and keep it ours alone.
    home = os.path.join(env("TMPDIR", "/tmp"), "spanlight-%d" % os.getuid())
    try:
        os.makedirs(home, exist_ok=True)
        st = os.lstat(home)
        if st.st_uid != os.getuid() or not os.path.isdir(home) or os.path.islink(home):
            return None
        os.chmod(home, 0o700)
    except OSError:
        return None
    return os.path.join(home, ".spanlight", "spool")


def resolve_url(spool):
    # The URL comes from the hook's command line (SPANLIGHT_URL=... in Claude Code's settings). It
    # is remembered in the spool, so a --flush by hand, without that variable, goes where hooks go.
    url = env("SPANLIGHT_URL", env("TELEMETRY_URL", ""))
    remembered = os.path.join(spool, ".url")
    try:
        with open(remembered) as f:
            known = f.read().strip()
    except OSError:
        known = ""
    if url and url != known:
        try:
            with open(remembered, "w") as f:
                f.write(url + "\n")
        except OSError:
            pass
    url = url or known or DEFAULT_URL
    if url.endswith("/v1/hooks/claude-code") or url.endswith("/hooks"):
        return url
    if url.endswith("/telemetry"):  # the older TELEMETRY_URL names the envelope endpoint
        return url[: -len("/telemetry")] + "/v1/hooks/claude-code"
    return url.rstrip("/") + "/v1/hooks/claude-code"


def read_host():
    try:
        with open("/proc/sys/kernel/hostname") as f:
            return f.read().strip()
    except OSError:
        return os.uname().nodename


def read_container(host):
    if env("SPANLIGHT_CONTAINER_ID"):
        return env("SPANLIGHT_CONTAINER_ID")
    if not (os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv") or env("container")):
        return ""
    import re

    for path, pattern in (
        ("/proc/self/mountinfo", r"/containers/([0-9a-f]{64})/"),
        ("/proc/self/cgroup", r"[/-]([0-9a-f]{64})"),
    ):
        try:
            with open(path) as f:
                m = re.search(pattern, f.read())
            if m:
                return m.group(1)[:12]
        except OSError:
            pass
    return host


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def spooled_name(ns, pid):
    # Zero-padded so that names sort by time, then by pid (the start order of hooks in one tick).
    return "%019d-%07d.json" % (ns, pid)


def adopt_finished(spool):
    """In-flight files whose writer has exited are complete: name them so they are sent in order."""
    for name in os.listdir(spool):
        if not name.startswith(".in."):
            continue
        try:
            pid = int(name[4:])
        except ValueError:
            continue
        if pid_alive(pid):
            continue
        path = os.path.join(spool, name)
        try:
            os.replace(path, os.path.join(spool, spooled_name(os.stat(path).st_mtime_ns, pid)))
        except OSError:
            pass


def pending(spool):
    return sorted(n for n in os.listdir(spool) if n[:1].isdigit() and n.endswith(".json"))


def iso_time(name):
    ns = int(name.split("-", 1)[0])
    seconds, rest = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % (rest // 1_000_000)


def count_in(path, n):
    try:
        with open(path) as f:
            current = int(f.read().strip() or "0")
    except (OSError, ValueError):
        current = 0
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % (current + n))
    os.replace(tmp, path)


def hook_log(line):
    path = env("SPANLIGHT_HOOK_LOG")
    if path:
        try:
            with open(path, "a") as f:
                f.write(line + "\n")
        except OSError:
            pass


def header_safe(value):
    """Printable ASCII: urllib refuses a newline or a character outside Latin-1 in a header, and
    that refusal would read as "server down" forever. Replaced, not refused: the payload goes out."""
    return "".join(c if " " <= c <= "~" else "_" for c in value)


class Sender:
    def __init__(self, spool):
        self.spool = spool
        self.url = resolve_url(spool)
        # Every header value is made header-safe: one with a stray \r (a CRLF env file) would be
        # refused on the way, and every payload with it.
        self.host = header_safe(read_host())
        agent = header_safe(env("SPANLIGHT_AGENT_ID", env("CLAUDE_INSTANCE_ID", self.host)))
        self.headers = {"Content-Type": "application/json", "X-Spanlight-Agent": agent, "X-Spanlight-Host": self.host}
        for header, value in (
            ("X-Spanlight-Container", header_safe(read_container(self.host))),
            ("X-Spanlight-Workflow", header_safe(env("SPANLIGHT_WORKFLOW_ID"))),
            ("X-Spanlight-Node", header_safe(env("SPANLIGHT_NODE_ID"))),
        ):
            if value:
                self.headers[header] = value
        # Without surrounding whitespace: a token read from a CRLF env file ends in \r (the server
        # trims its own token the same way). The same characters as the sh hook strips.
        token = header_safe(env("SPANLIGHT_TOKEN").strip(" \t\n\r\v\f"))
        if token:
            self.headers["Authorization"] = "Bearer " + token

    def key(self, name):
        return "%s-%s" % (self.host, name[: -len(".json")])

    def post(self, body, names):
        import urllib.error
        import urllib.request

        headers = dict(self.headers)
        headers["Idempotency-Key"] = ",".join(self.key(n) for n in names)
        headers["X-Spanlight-Time"] = ",".join(iso_time(n) for n in names)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        # No proxy: a local collector must not be routed through the user's HTTP proxy.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=REQUEST_TIMEOUT_S) as response:
                return response.status, response.read(4096)
        except urllib.error.HTTPError as err:
            try:
                return err.code, err.read(4096)
            except Exception:
                return err.code, b""
        except Exception:
            return 0, b""

    def send(self, names):
        """Sends spool files in one request; True when handled (delivered or dropped)."""
        bodies = []
        for name in names:
            with open(os.path.join(self.spool, name), "rb") as f:
                bodies.append(f.read())
        body = bodies[0] if len(bodies) == 1 else b"[" + b",".join(bodies) + b"]"
        status, reply = self.post(body, names)
        hook_log("%s sent=%d status=%03d url=%s" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), len(names), status, self.url))
        if 200 <= status < 300:
            for name in names:
                remove(os.path.join(self.spool, name))
            # A batch is taken as a whole even when some of its items are not (each is answered on
            # its own): those are gone like a rejected single payload, and counted the same way.
            bad = rejected_in(reply) if len(names) > 1 else 0
            if bad:
                count_in(os.path.join(self.spool, ".rejected"), bad)
            return True
        if status == 413 or (status in (400, 415, 422) and spanlight_error(reply)):
            # The server will never take this body: retry a batch item by item, drop a bad single.
            # A 400 without Spanlight's error body came from something in between (a proxy, an HTTP
            # parser refusing a header): the payload is not at fault and is tried again later. Too
            # large is too large whoever says it (a proxy's body limit too).
            if len(names) > 1:
                return all(self.send([name]) for name in names)
            remove(os.path.join(self.spool, names[0]))
            count_in(os.path.join(self.spool, ".rejected"), 1)
            return True
        return False


def spanlight_error(reply):
    """Whether the answer is Spanlight's JSON error, {"error":{"code":...}}."""
    return reply.startswith(b'{"error":')


def rejected_in(reply):
    """Items of a delivered batch the server turned down (its answer's "rejected" count).

    The count leads the answer; the per-item results after it can be long, so only the start is read.
    """
    import re

    found = re.search(rb'"rejected":(\d+)', reply)
    return int(found.group(1)) if found else 0


def remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def trim(spool):
    """Past the bound, the oldest payloads go first: recent events matter most once the server returns."""
    max_files = int(env("SPANLIGHT_SPOOL_MAX_FILES", "5000"))
    max_bytes = int(env("SPANLIGHT_SPOOL_MAX_KB", "102400")) * 1024
    names = pending(spool)
    sizes = {}
    for name in names:
        try:
            sizes[name] = os.path.getsize(os.path.join(spool, name))
        except OSError:
            sizes[name] = 0
    total = sum(sizes.values())
    dropped = 0
    for name in names:
        if len(names) - dropped <= max_files and total <= max_bytes:
            break
        remove(os.path.join(spool, name))
        total -= sizes[name]
        dropped += 1
    if dropped:
        count_in(os.path.join(spool, ".dropped"), dropped)


def lock_acquire(spool):
    lock = os.path.join(spool, ".lock")
    for _ in range(2):
        try:
            os.mkdir(lock)
            with open(os.path.join(lock, "pid"), "w") as f:
                f.write("%d\n" % os.getpid())
            return True
        except FileExistsError:
            pass
        # A holder that died (killed mid-send) leaves its lock behind; a live holder keeps it.
        try:
            with open(os.path.join(lock, "pid")) as f:
                holder = int(f.read().strip())
            if pid_alive(holder):
                return False
        except (OSError, ValueError):
            try:
                if time.time() - os.stat(lock).st_mtime < 60:
                    return False  # just created, pid not written yet
            except OSError:
                continue
        stale = "%s.stale.%d" % (lock, os.getpid())
        try:
            os.rename(lock, stale)
            import shutil

            shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            return False
    return False


def lock_release(spool):
    import shutil

    shutil.rmtree(os.path.join(spool, ".lock"), ignore_errors=True)


def flush(spool):
    sender = Sender(spool)
    while lock_acquire(spool):
        failed = False
        try:
            while True:
                adopt_finished(spool)
                names = pending(spool)[:BATCH_MAX]
                if not names:
                    break
                if not sender.send(names):
                    failed = True
                    break
            if failed:
                trim(spool)
        finally:
            lock_release(spool)
        # A hook that found the lock taken left its payload to us; pick up what came meanwhile.
        if failed or not any(n[:1].isdigit() or n.startswith(".in.") for n in os.listdir(spool)):
            return


def detach_and_flush(spool):
    # Claude Code waits until the hook's stdout and stderr close, not only for its exit: let go
    # of them before forking, so the delivering child cannot hold them open.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if os.fork() != 0:
        os._exit(0)  # the hook itself: done, nothing on stdout
    os.setsid()  # own session: the terminal's hang-up and interrupt do not reach the delivery
    try:
        flush(spool)
    except Exception:
        pass
    os._exit(0)


def main():
    # Payloads hold prompts and commands: the spool and its files are the user's alone.
    os.umask(0o077)
    by_hand = len(sys.argv) > 1 and sys.argv[1] == "--flush"
    # A flush by hand delivers what is spooled even when hooks are turned off (as the sh hook does).
    if not by_hand and env("SPANLIGHT_ENABLED", env("TELEMETRY_ENABLED", "1")).lower() in ("0", "false", "no", "off"):
        sys.stdin.buffer.read()
        return
    spool = spool_dir()
    if spool is None:
        if by_hand:
            # By hand, say why (a hook would wait on a terminal's stdin); as a hook, drop the payload quietly.
            sys.stderr.write(
                "spanlight-hook: no spool: HOME is not set and %s is not a directory of your own"
                " (set HOME or SPANLIGHT_SPOOL)\n" % os.path.join(env("TMPDIR", "/tmp"), "spanlight-%d" % os.getuid())
            )
            sys.stderr.flush()
            os._exit(1)
        sys.stdin.buffer.read()
        return
    if by_hand:
        flush(spool)
        # Run by hand: say how it went (hooks themselves never print).
        left = len(pending(spool)) if os.path.isdir(spool) else 0
        url = resolve_url(spool)
        if left == 0:
            sys.stderr.write("spanlight-hook: the spool %s is empty: everything is delivered to %s\n" % (spool, url))
        else:
            sys.stderr.write(
                "spanlight-hook: %d payload(s) still in %s: %s did not take them yet, or another delivery is under way"
                " (SPANLIGHT_HOOK_LOG=file logs each attempt)\n" % (left, spool, url)
            )
        return
    payload = sys.stdin.buffer.read()
    if not payload.strip():
        return
    os.makedirs(spool, exist_ok=True)
    pid = os.getpid()
    tmp = os.path.join(spool, ".in.%d" % pid)
    try:
        with open(tmp, "wb") as f:
            f.write(payload)
    except OSError:
        # A full disk: a truncated payload must not be adopted and sent later.
        remove(tmp)
        return
    os.replace(tmp, os.path.join(spool, spooled_name(time.time_ns(), pid)))
    detach_and_flush(spool)


if __name__ == "__main__":
    try:
        main()
    except Exception:
        pass
    os._exit(0)
