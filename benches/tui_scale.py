#!/usr/bin/env python3
"""The reader at scale (issue 6): drives the release binary in tmux on a data dir filled by
`cargo run --release --example scale_corpus` and times, from key press to the screen showing the
result (tmux polled every ~5 ms): start -> first frame (category names on screen) and -> the All
list drawn, opening a category (the first one, and the biggest), opening the biggest source,
jumping to its end (G), each sort (S), unread only on/off (u), a search for an English word and
for a Chinese phrase. Peak memory is VmHWM from /proc/PID/status at the end. Prints a Markdown
table of medians and ranges over --runs runs.

    python3 benches/tui_scale.py --bin /tmp/tidings --config /tmp/scale/config.toml \
        --data-dir /tmp/scale/data [--runs 5]

A result counts as shown when its marker is on screen, the screen changed since the key, and the
list shows neither "Loading…" nor placeholder rows ("…"), i.e. the store's window arrived.
Times include tmux delivering the key and the poll interval, so they are upper bounds.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

PLACEHOLDER = re.compile(r"│ +… +│| {2}… {8,}")


class Tmux:
    def __init__(self, width, height):
        self.sock = f"tidings-scale-{os.getpid()}"
        self.run("new-session", "-d", "-s", "s", "-x", str(width), "-y", str(height), "cat")

    def run(self, *args):
        return subprocess.run(
            ["tmux", "-L", self.sock, *args], capture_output=True, text=True, check=False
        ).stdout

    def screen(self):
        return self.run("capture-pane", "-p", "-t", "s")

    def keys(self, *keys, literal=False):
        self.run("send-keys", "-t", "s", *(["-l"] if literal else []), *keys)

    def pid(self):
        return int(self.run("display", "-p", "-t", "s", "#{pane_pid}").strip())

    def kill(self):
        self.run("kill-server")


def busy(screen):
    return "Loading…" in screen or PLACEHOLDER.search(screen) is not None


def wait(tmux, done, before=None, timeout=30.0, poll=0.005):
    began = time.monotonic()
    while True:
        screen = tmux.screen()
        if (before is None or screen != before) and done(screen) and not busy(screen):
            return time.monotonic() - began, screen
        if time.monotonic() - began > timeout:
            raise TimeoutError(screen)
        time.sleep(poll)


def timed(tmux, keys, done, literal=False):
    before = tmux.screen()
    began = time.monotonic()
    tmux.keys(*keys, literal=literal)
    elapsed, screen = wait(tmux, done, before)
    return time.monotonic() - began if elapsed else 0.0, screen


def vm_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def title(label):
    return lambda s: f"Articles · {label} " in s


def one_run(args):
    state = tempfile.mkdtemp(prefix="tidings-scale-state-")
    tmux = Tmux(args.width, args.height)
    times = {}
    try:
        cmd = (
            f"exec env XDG_STATE_HOME={state} XDG_CONFIG_HOME={state} "
            f"{args.bin} --config {args.config} --data-dir {args.data_dir}"
        )
        began = time.monotonic()
        tmux.run("respawn-pane", "-k", "-t", "s", cmd)
        wait(tmux, lambda s: all(m in s for m in args.markers))
        times["start → first frame (categories)"] = time.monotonic() - began
        wait(tmux, title("All"))
        times["start → All list drawn"] = time.monotonic() - began
        pid = tmux.pid()

        # Categories are sorted by name: All, Unread, Starred, then the first category.
        tmux.keys("j")
        wait(tmux, title("Unread"))
        tmux.keys("j")
        wait(tmux, title("Starred"))
        times[f"open category ({args.first_category})"], _ = timed(
            tmux, ["j"], title(args.first_category)
        )
        # Walk down to the biggest category, then time the last step onto it.
        for _ in range(200):
            screen = tmux.screen()
            lines = [line for line in screen.splitlines() if args.big_category in line]
            if any("▸" in line or "▾" in line for line in lines):
                break
            tmux.keys("j")
            time.sleep(0.02)
        # Step back one and time the step onto it.
        tmux.keys("k")
        time.sleep(0.3)
        times[f"open category ({args.big_category})"], _ = timed(
            tmux, ["j"], title(args.big_category)
        )
        tmux.keys("c")  # expand: its sources are listed beneath
        time.sleep(0.3)
        times[f"open source ({args.big_source})"], _ = timed(
            tmux, ["j"], title(args.big_source)
        )
        tmux.keys("l")  # focus the list
        time.sleep(0.2)
        times["G (to the end of the source)"], _ = timed(tmux, ["G"], lambda s: True)
        for sort in ["views", "score", "date"]:
            times[f"S (sort by {sort})"], _ = timed(tmux, ["S"], lambda s, x=sort: f" {x} ▼" in s)
        times["u (unread only on)"], _ = timed(tmux, ["u"], lambda s: "unread · " in s)
        times["u (unread only off)"], _ = timed(tmux, ["u"], lambda s: "unread · " not in s)
        searches = [("word", w) for w in args.word.split(",")]
        searches += [("Chinese phrase", c) for c in args.chinese.split(",")]
        for label, text in searches:
            tmux.keys("/")
            time.sleep(0.1)
            tmux.keys(text, literal=True)
            time.sleep(0.2)
            times[f"search {label} “{text}”"], screen = timed(
                tmux, ["Enter"], lambda s, t=text: f"Search “{t}”" in s
            )
            tmux.keys("Escape")
            time.sleep(0.3)
        times["peak memory (VmHWM, MB)"] = vm_hwm_mb(pid) / 1000  # kept in "seconds" column
        tmux.keys("q")
        tmux.keys("q")
        time.sleep(0.3)
    finally:
        tmux.kill()
    return times


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--bin", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--data-dir", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--width", type=int, default=160)
    p.add_argument("--height", type=int, default=48)
    p.add_argument("--markers", default="Books,Business",
                   help="first-frame markers: category names")
    p.add_argument("--first-category", default="AI")
    p.add_argument("--big-category", default="World")
    p.add_argument("--big-source", default="Big Source")
    p.add_argument("--word", default="observatory,torvaren",
                   help="words to search for, comma separated (a common and a rare one)")
    p.add_argument("--chinese", default="乡村振兴,数据发展", help="Chinese phrases, comma separated")
    args = p.parse_args()
    args.markers = args.markers.split(",")
    runs = []
    for n in range(args.runs):
        try:
            runs.append(one_run(args))
            print(f"run {n + 1}: ok", file=sys.stderr)
        except TimeoutError as e:
            print(f"run {n + 1}: timed out; screen:\n{e}", file=sys.stderr)
    if not runs:
        sys.exit(1)
    print(f"| step | n | median | min–max |\n|---|---|---|---|")
    for key in runs[0]:
        values = [r[key] for r in runs if key in r]
        if key.startswith("peak memory"):
            cells = [f"{v * 1000:.0f} MB" for v in (statistics.median(values), min(values), max(values))]
        else:
            cells = [f"{v * 1000:.0f} ms" for v in (statistics.median(values), min(values), max(values))]
        print(f"| {key} | {len(values)} | {cells[0]} | {cells[1]}–{cells[2]} |")


if __name__ == "__main__":
    main()
