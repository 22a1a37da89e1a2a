#!/usr/bin/env python3
"""The reader during a big refresh (issue 6, point 3): the release binary in a pseudo-terminal
(160x48) refreshes thousands of feeds served with added latency on many loopback addresses,
while a key is pressed every --key-interval-ms. Measures:

- the refresh: `R` -> the summary ("Refreshed N sources") on screen, and the download floor of the
  same URLs from the same server (the shared bench's fetchall.py, every request at once);
- frames: from the reader's own frame log (`--log-level trace`, target tidings::frames): frames a
  second while the refresh runs, the longest gap between two frames, draw times;
- keys: `j`/`k` move between All and Unread; the time from writing the key to the pty until the
  screen (emulated with pyte) shows the other list ("Articles · Unread"/"Articles · All"), and
  the reader's own input-to-frame time for the same keys;
- the reader's CPU time (user + sys) and peak RSS over the whole session, start to quit, and
  its CPU time by thread from start to the summary (/proc/PID/task).

    pip install pyte
    python3 benches/tui_refresh.py --bin target/release/tidings \
        [--corpus DIR] [--hosts 64] [--latency-ms 150] [--concurrency 1000 --per-host 32] \
        [--headless]

With --headless, `tidings refresh` is timed instead (fork to exit, CPU time, peak RSS). With
--dead-server nothing listens on the feeds' port, so every source fails at once: the reader's
work for thousands of failures in a burst.

The corpus is the shared bench's (../shared/bench/gen_corpus.py; made when missing, 5,000 feeds x
20 items). Prints Markdown tables. As in the shared bench's harness, the reader, the server, the
floor's client, the pty copier and this script (the terminal) each run in a session of their own
at nice --nice (default -10), and each session's autogroup gets the same nice: with
kernel.sched_autogroup_enabled=1 the scheduler shares the processors between sessions first, and
a nice value acts only inside its session. --one-session keeps the older arrangement: the server
and the copier in this script's session, their nice values only per process. The key timings from
the pty include the emulator waiting for a core and decoding the reader's output in Python, so
they are upper bounds; the reader's own figures do not include them.
"""

import argparse
import atexit
import fcntl
import json
import os
import pty
import queue
import re
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

import pyte

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench"))


# How measured processes run (from the command line): their nice value, and whether each gets a
# session (and so an autogroup) of its own.
SCHEDULING = {"nice": -10, "own_sessions": True}


def set_autogroup_nice(nice):
    """Gives the calling process's session's autogroup `nice` (root only; a failure keeps 0)."""
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:
        pass


def measured_setup(new_session=True):
    """In a child about to run a measured process or a server (preexec_fn): the nice value, and a
    session of its own whose autogroup gets the same nice, as the shared bench's harness does."""
    nice = SCHEDULING["nice"]
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except OSError:
        pass
    if not SCHEDULING["own_sessions"]:
        return
    if new_session:
        try:
            os.setsid()
        except OSError:
            pass
    set_autogroup_nice(nice)


def enter_own_session():
    """This script (the terminal) in a session of its own too. A process group leader cannot start
    one, so then the script runs itself again in a new session and passes on its exit status."""
    try:
        os.setsid()
    except OSError:
        child = subprocess.Popen([sys.executable] + sys.argv, start_new_session=True)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: child.terminate())
        sys.exit(child.wait())
    set_autogroup_nice(SCHEDULING["nice"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus_dir(args):
    if args.corpus:
        return args.corpus
    root = f"/tmp/tidings-bench-shared/corpus/s42-f{args.feeds}-i{args.items}-b{args.items * 5}-c0.1"
    if not os.path.isdir(os.path.join(root, "gen0")):
        subprocess.run(
            [sys.executable, os.path.join(BENCH, "gen_corpus.py"), "--out", root,
             "--feeds", str(args.feeds), "--items", str(args.items),
             "--big-items", str(args.items * 5)],
            check=True,
        )
    return os.path.join(root, "gen0")


def category(index, categories):
    """The category of the index-th feed: "bench" for all, or one of `categories` in turn."""
    return "bench" if categories <= 1 else f"category {index % categories:02}"


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary_row(name, values, unit="ms"):
    if not values:
        return f"| {name} | 0 | – | – | – | – |"
    return (f"| {name} | {len(values)} | {statistics.median(values):.1f} {unit} | "
            f"{percentile(values, 0.9):.1f} {unit} | {percentile(values, 0.99):.1f} {unit} | "
            f"{max(values):.1f} {unit} |")


def thread_cpu(pid):
    """CPU seconds (user + sys) of each of the process's threads so far, summed by thread name."""
    ticks = os.sysconf("SC_CLK_TCK")
    by_name = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        by_name[name] = by_name.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return by_name


class Terminal:
    """The reader in a pty. A child process copies its output, stamped, as fast as it comes, so
    the reader never blocks on a full pty; threads here feed it to a pyte screen, which the main
    thread looks at."""

    def __init__(self, argv, env, cols, rows):
        self.chunks = []  # (time read, bytes) of the reader's output, as it came
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            measured_setup(new_session=False)  # pty.fork made its session
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.kill(self.pid, signal.SIGWINCH)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.alive = True
        self.pending = queue.SimpleQueue()
        # A child process of its own reads the pty as fast as it is written and stamps each piece:
        # a thread here would wait for the interpreter while pyte emulates, the pty would fill,
        # and the reader's writes (its frames) would block on it.
        records, self.records_w = os.pipe()
        self.copier = os.fork()
        if self.copier == 0:
            os.close(records)
            measured_setup()
            self._copy()
        os.close(self.records_w)
        self.records = os.fdopen(records, "rb", buffering=0)
        threading.Thread(target=self._drain, daemon=True).start()
        threading.Thread(target=self._emulate, daemon=True).start()

    def _copy(self):
        """In the child: pty → pipe, each piece preceded by when it was read and its length."""
        out = self.records_w
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:
                data = b""
            record = struct.pack("dI", time.monotonic(), len(data)) + data
            view = memoryview(record)
            while view:
                view = view[os.write(out, view):]
            if not data:
                os._exit(0)

    def _read_exactly(self, n):
        parts = []
        while n:
            part = self.records.read(n)
            if not part:
                return None
            parts.append(part)
            n -= len(part)
        return b"".join(parts)

    def _drain(self):
        """Takes the stamped pieces from the copier; emulating them (pyte, in Python) happens on
        another thread, so a slow emulator does not delay anything here."""
        header = struct.calcsize("dI")
        while True:
            head = self._read_exactly(header)
            if head is None:
                at, data = time.monotonic(), b""
            else:
                at, length = struct.unpack("dI", head)
                data = self._read_exactly(length) if length else b""
                data = data or b""
            self.chunks.append((at, data))
            self.pending.put(data)
            if not data:
                return

    def _emulate(self):
        while True:
            data = self.pending.get()
            with self.changed:
                if not data:
                    self.alive = False
                    self.changed.notify_all()
                    return
                self.stream.feed(data)
                self.changed.notify_all()

    def output_after(self, since, needle):
        """When the first piece of output read after `since` that holds `needle` was read."""
        for at, data in list(self.chunks):
            if at >= since and needle in data:
                return at
        return None

    def _line(self, n):
        # Not `screen.display`, which fails on cells holding an empty string.
        row = self.screen.buffer[n]
        return "".join(row[x].data for x in range(self.screen.columns))

    def line(self, n):
        with self.lock:
            return self._line(n)

    def text(self):
        with self.lock:
            return "\n".join(self._line(n) for n in range(self.screen.lines))

    def send(self, keys):
        os.write(self.fd, keys.encode())

    def wait_for(self, predicate, timeout):
        """Waits until `predicate()` holds (checked after every piece of output)."""
        end = time.monotonic() + timeout
        with self.changed:
            while True:
                if predicate():
                    return True
                left = end - time.monotonic()
                if left <= 0 or not self.alive:
                    return False
                self.changed.wait(left)


def headless_refresh(common, env, floor, feeds, args, fetch):
    """`tidings refresh` at nice -10, timed from fork to exit, with its CPU time and peak RSS."""
    began = time.monotonic()
    proc = subprocess.Popen(common + ["refresh"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, preexec_fn=measured_setup)
    last = {"written": 0, "threads": {}}

    def watch():
        # The last readings before exit: bytes written (wchar: the log, the database, stdout)
        # and CPU by thread. Missing at most the final 50 ms.
        ticks = 0
        while proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/io") as f:
                    for line in f:
                        if line.startswith("wchar:"):
                            last["written"] = int(line.split()[1])
                if ticks % 4 == 0:
                    # Threads that ended since are gone from /proc: keep each name's highest.
                    for name, cpu in thread_cpu(proc.pid).items():
                        last["threads"][name] = max(cpu, last["threads"].get(name, 0.0))
            except OSError:
                break
            ticks += 1
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - began
    watcher.join()
    summary = out.strip().splitlines()[-1] if out.strip() else "(no output)"
    print()
    print(f"{feeds:,} feeds on {args.hosts} loopback addresses, {args.latency_ms} ms added to "
          f"every response; config: {', '.join(fetch) or 'defaults'}; headless `tidings refresh`")
    print()
    print("| measure | value |")
    print("|---|---|")
    if floor is not None:
        print(f"| download floor (fetchall.py, all at once) | {floor:.2f} s |")
    print(f"| `tidings refresh`, fork to exit | {wall:.2f} s |")
    if floor:
        print(f"| × floor | {wall / floor:.2f} |")
    print(f"| CPU (user + sys) | {usage.ru_utime + usage.ru_stime:.2f} s |")
    print(f"| peak RSS | {usage.ru_maxrss / 1024:.0f} MiB |")
    print(f"| bytes written (wchar, polled every 50 ms) | {last['written'] / 1e9:.2f} GB |")
    busiest = sorted(last["threads"].items(), key=lambda kv: -kv[1])[:5]
    print("| CPU by thread (polled every 200 ms) | "
          + ", ".join(f"{name} {cpu:.2f} s" for name, cpu in busiest) + " |")
    print(f"| exit status, summary | {os.waitstatus_to_exitcode(status)}, {summary} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", help="a directory of feed files (default: the shared bench's)")
    ap.add_argument("--feeds", type=int, default=5000)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--hosts", type=int, default=64)
    ap.add_argument("--latency-ms", type=int, default=150)
    ap.add_argument("--concurrency", type=int, help="[fetch] concurrency (default: tidings')")
    ap.add_argument("--per-host", type=int, help="[fetch] per_host (default: tidings')")
    ap.add_argument("--key-interval-ms", type=int, default=100)
    ap.add_argument("--size", default="160x48")
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--categories", type=int, default=1,
                    help="spread the feeds over this many categories (default 1, \"bench\"; the "
                         "scale corpus has 50)")
    ap.add_argument("--dead-server", action="store_true",
                    help="start no server: every fetch is refused at once and every source fails "
                         "(the reader offline); no floor")
    ap.add_argument("--nice", "--emulator-nice", type=int, default=-10,
                    help="nice value of the reader, the server, the floor's client and this "
                         "script, which plays the terminal (default -10, as in the shared bench: "
                         "a terminal runs beside the reader, not below it)")
    ap.add_argument("--one-session", action="store_true",
                    help="the server, the floor's client and the copier stay in this script's "
                         "session and no autogroup nice is set (the arrangement before 2026-11-30)")
    ap.add_argument("--keep-work", action="store_true",
                    help="keep the temporary directory (config, data dir, log)")
    ap.add_argument("--headless", action="store_true",
                    help="time `tidings refresh` (no terminal) instead of the reader")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    SCHEDULING.update(nice=args.nice, own_sessions=not args.one_session)
    try:
        os.nice(args.nice - os.nice(0))
    except OSError:
        pass
    if not args.one_session:
        enter_own_session()
    cols, rows = (int(x) for x in args.size.split("x"))

    gen0 = corpus_dir(args)
    files = sorted(f for f in os.listdir(gen0) if f.endswith((".rss", ".atom", ".json")))
    work = tempfile.mkdtemp(prefix="tidings-tui-refresh-")
    if not args.keep_work:
        # The data dir of 5,000 feeds is about 0.7 GB.
        atexit.register(shutil.rmtree, work, ignore_errors=True)
    port = free_port()
    hosts = [f"127.0.0.{1 + i}" for i in range(args.hosts)]
    urls = [f"http://{hosts[i % len(hosts)]}:{port}/{name}" for i, name in enumerate(files)]
    with open(os.path.join(work, "urls"), "w") as f:
        f.write("".join(u + "\n" for u in urls))
    with open(os.path.join(work, "import.urls"), "w") as f:
        f.write("".join(f'{u} "{category(i, args.categories)}"\n' for i, u in enumerate(urls)))
    fetch = [f"concurrency = {args.concurrency}" if args.concurrency else "",
             f"per_host = {args.per_host}" if args.per_host else ""]
    fetch = [line for line in fetch if line]
    with open(os.path.join(work, "config.toml"), "w") as f:
        f.write("# tui_refresh.py\n" + ("[fetch]\n" + "\n".join(fetch) + "\n" if fetch else ""))

    server = None
    if not args.dead_server:
        server = subprocess.Popen(
            [sys.executable, os.path.join(BENCH, "slowserve.py"), "--root", gen0, "--port",
             str(port), "--host", ",".join(hosts), "--delay", str(args.latency_ms / 1000)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=measured_setup,
        )
    try:
        floor = None
        if server is not None:
            time.sleep(1.0)
        if server is not None and not args.no_floor:
            began = time.monotonic()
            out = subprocess.run(
                [sys.executable, os.path.join(BENCH, "fetchall.py"), os.path.join(work, "urls"),
                 "--concurrency", "0"], capture_output=True, text=True, check=True,
                preexec_fn=measured_setup)
            floor = time.monotonic() - began
            fetched = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"floor: fetchall.py, every request at once: {floor:.2f} s, "
                  f"{fetched['bytes'] / 1e6:.1f} MB, {fetched['ok']}/{fetched['urls']} ok",
                  flush=True)

        env = dict(os.environ, TERM="xterm-256color", HOME=work,
                   XDG_STATE_HOME=os.path.join(work, "state"),
                   XDG_CONFIG_HOME=os.path.join(work, "xdg-config"),
                   XDG_DATA_HOME=os.path.join(work, "xdg-data"))
        env.pop("NO_COLOR", None)
        common = [args.bin, "--config", os.path.join(work, "config.toml"),
                  "--data-dir", os.path.join(work, "data")]
        subprocess.run(common + ["import", os.path.join(work, "import.urls")], env=env,
                       check=True, capture_output=True)
        if args.headless:
            headless_refresh(common, env, floor, len(files), args, fetch)
            return
        term = Terminal(common + ["--log-level", "trace"], env, cols, rows)
        if not term.wait_for(lambda: "Articles · All" in term._line(0), 30):
            sys.exit("the reader did not draw its first frame:\n" + term.text())

        refresh_began = time.monotonic()
        term.send("R")
        if not term.wait_for(lambda: "Refreshing" in term._line(rows - 1), 10):
            sys.exit("the refresh did not start:\n" + term.text())
        key_ms = []
        raw_ms = []
        want_unread = True
        next_key = time.monotonic()
        refresh_s = None
        while time.monotonic() - refresh_began < args.timeout:
            if re.search(r"Refreshed [\d,]+ source", term.line(rows - 1)):
                refresh_s = time.monotonic() - refresh_began
                break
            if time.monotonic() >= next_key:
                target = "Articles · Unread" if want_unread else "Articles · All "
                sent = time.monotonic()
                term.send("j" if want_unread else "k")
                if term.wait_for(lambda: target in term._line(0), 5):
                    key_ms.append((time.monotonic() - sent) * 1000)
                    # The header's changed cells are written as one run of text.
                    word = ("Unread" if want_unread else "All").encode()
                    arrived = term.output_after(sent, word)
                    if arrived is not None:
                        raw_ms.append((arrived - sent) * 1000)
                want_unread = not want_unread
                next_key = sent + args.key_interval_ms / 1000
            time.sleep(0.002)
        threads = thread_cpu(term.pid)
        server_cpu = sum(thread_cpu(server.pid).values()) if server is not None else 0.0
        term.send("q")
        term.wait_for(lambda: not term.alive, 5)
        _, _, usage = os.wait4(term.pid, 0)
        _, _, copier = os.wait4(term.copier, 0)
        script = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        if server is not None:
            server.terminate()
            server.wait()

    frames = []
    log = os.path.join(work, "state", "tidings", "tidings.log")
    pattern = re.compile(r"^(\S+) TRACE tidings::frames: frame draw_us=(\d+)(?: input_us=(\d+))? "
                         r"key=(\w+) refreshing=(\w+)")
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = pattern.match(line)
            if m:
                frames.append((m.group(1), int(m.group(2)),
                               int(m.group(3)) if m.group(3) else None,
                               m.group(4) == "true", m.group(5) == "true"))

    def seconds(stamp):
        # 2026-11-29T09:40:01.123456Z
        hms = stamp.split("T")[1].rstrip("Z")
        h, m, s = hms.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    during = [f for f in frames if f[4]]
    times = [seconds(f[0]) for f in during]
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:])]
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    internal_keys = [f[2] / 1000 for f in during if f[3] and f[2] is not None]
    draws = [f[1] / 1000 for f in during]

    print()
    print(f"{len(files):,} feeds on {args.hosts} loopback addresses, {args.latency_ms} ms added "
          f"to every response; config: {', '.join(fetch) or 'defaults'}; terminal {args.size}")
    print()
    print("| measure | value |")
    print("|---|---|")
    if floor is not None:
        print(f"| download floor (fetchall.py, all at once) | {floor:.2f} s |")
    if refresh_s is not None:
        print(f"| refresh in the reader: `R` → summary on screen | {refresh_s:.2f} s |")
        if floor:
            print(f"| × floor | {refresh_s / floor:.2f} |")
    else:
        print("| refresh in the reader | did not finish within the timeout |")
    print(f"| frames while refreshing | {len(during):,} in {span:.2f} s = "
          f"{len(during) / span:.1f} a second |")
    print(f"| longest gap between two frames | {max(gaps):.1f} ms |" if gaps else "| gaps | – |")
    print(f"| the reader's CPU, start to quit (user + sys) | "
          f"{usage.ru_utime + usage.ru_stime:.2f} s |")
    print(f"| the reader's peak RSS | {usage.ru_maxrss / 1024:.0f} MiB |")
    print(f"| CPU beside it: the server (floor and refresh); the pty copier; this script (pyte) | "
          f"{server_cpu:.2f} s; {copier.ru_utime + copier.ru_stime:.2f} s; "
          f"{script.ru_utime + script.ru_stime:.2f} s |")
    busiest = sorted(threads.items(), key=lambda item: -item[1])
    print("| the reader's CPU by thread, start to summary | "
          + ", ".join(f"{name} {cpu:.2f} s" for name, cpu in busiest if cpu >= 0.01) + " |")
    print()
    print("| while refreshing | n | median | p90 | p99 | max |")
    print("|---|---|---|---|---|---|")
    print(summary_row("key → the reader's answer is read from the pty (raw bytes)", raw_ms))
    print(summary_row("key → screen shows the other list (pty, pyte)", key_ms))
    print(summary_row("key read → frame drawn (reader's own log)", internal_keys))
    print(summary_row("gap between frames", gaps))
    print(summary_row("draw time of a frame", draws))


if __name__ == "__main__":
    main()
