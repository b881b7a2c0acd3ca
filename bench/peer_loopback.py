#!/usr/bin/python3
"""Loopback throughput of the swarmlab client against libtorrent and against itself.

  bench/peer_loopback.py [--size-mib N] [--swarmlab PATH] [--workdir DIR]

Makes N MiB of content (default 1024) and a torrent of it, then, each on 127.0.0.1:
  1. a python3-libtorrent seeder; `swarmlab download` from it, then libtorrent downloading from the
     same seeder, back to back;
  2. a `swarmlab seed` seeder and `swarmlab download` from it.
For each download it prints wall seconds, MB/s (10^6 bytes per second), CPU seconds (user +
system) and peak RSS of the downloading process, and for (1) the ratio swarmlab / libtorrent.
Figures only: nothing passes or fails. Use a release build (scripts/build release).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
PEER_SCRIPT = os.path.join(SOURCE, "tests", "interop", "libtorrent_peer.py")
PYTHON = "/usr/bin/python3"
TIME_LIMIT_SECONDS = "900"


def make_content(path, size_mib):
    chunk = os.urandom(1 << 20)
    with open(path, "wb") as out:
        for index in range(size_mib):
            # Different bytes per MiB without paying for urandom on all of them.
            out.write(index.to_bytes(8, "little") + chunk[8:])


def wait_for(process, prefix, limit_seconds):
    deadline = time.time() + limit_seconds
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    sys.exit(f"no '{prefix}' from {process.args[0]} in time")


def measure(command):
    """Runs command; returns (exit status, wall seconds, cpu seconds, peak rss MiB, stdout)."""
    started = time.time()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.time() - started
    return status, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def report(label, size_bytes, result):
    status, wall, cpu, rss, output = result
    if status != 0:
        print(f"{label}: FAILED (status {status})\n{output[-2000:]}")
        return None
    rate = size_bytes / wall / 1e6
    print(f"{label:<40} {wall:8.2f} s {rate:9.1f} MB/s  cpu {cpu:7.2f} s  peak rss {rss:8.1f} MiB")
    return rate


def swarmlab_download(swarmlab, torrent, target, peer):
    return ["timeout", TIME_LIMIT_SECONDS, swarmlab, "download", torrent, "-o", target, "--peer",
            peer, "--bind", "127.0.0.1", "--port", "0", "--status-interval", "0"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--swarmlab", default=os.path.join(SOURCE, "build", "swarmlab"))
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="swarmlab-bench-", dir=args.workdir)
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, work):
    seed_dir = os.path.join(work, "seed")
    os.makedirs(seed_dir)
    content = os.path.join(seed_dir, "content.bin")
    make_content(content, args.size_mib)
    size_bytes = args.size_mib << 20
    torrent = os.path.join(work, "content.torrent")
    subprocess.run([args.swarmlab, "create", content, "-o", torrent], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"content: {args.size_mib} MiB; {subprocess.run([args.swarmlab, 'info', torrent], capture_output=True, text=True).stdout.splitlines()[3]}")

    seeder = subprocess.Popen([PYTHON, PEER_SCRIPT, "seed", torrent, seed_dir, "127.0.0.1",
                               TIME_LIMIT_SECONDS], stdout=subprocess.PIPE, text=True)
    try:
        peer = "127.0.0.1:" + wait_for(seeder, "port:", 300)
        wait_for(seeder, "seeding", 300)
        ours = report("swarmlab <- libtorrent seeder", size_bytes,
                      measure(swarmlab_download(args.swarmlab, torrent, os.path.join(work, "a"), peer)))
        shutil.rmtree(os.path.join(work, "a"), ignore_errors=True)
        theirs = report("libtorrent <- libtorrent seeder", size_bytes,
                        measure(["timeout", TIME_LIMIT_SECONDS, PYTHON, PEER_SCRIPT, "download",
                                 torrent, os.path.join(work, "b"), "127.0.0.1", peer,
                                 TIME_LIMIT_SECONDS]))
        shutil.rmtree(os.path.join(work, "b"), ignore_errors=True)
        if ours and theirs:
            print(f"ratio swarmlab / libtorrent: {ours / theirs:.2f}")
    finally:
        seeder.terminate()
        seeder.wait()

    seeder = subprocess.Popen([args.swarmlab, "seed", torrent, seed_dir, "--bind", "127.0.0.1",
                               "--port", "0", "--status-interval", "0"], stdout=subprocess.PIPE,
                              text=True)
    try:
        peer = "127.0.0.1:" + wait_for(seeder, "listening: port", 300)
        wait_for(seeder, "complete:", 600)
        report("swarmlab <- swarmlab seeder", size_bytes,
               measure(swarmlab_download(args.swarmlab, torrent, os.path.join(work, "c"), peer)))
    finally:
        seeder.terminate()
        started = time.time()
        _, _, usage = os.wait4(seeder.pid, 0)
        print(f"swarmlab seeder: cpu {usage.ru_utime + usage.ru_stime:.2f} s (verify + serve), "
              f"peak rss {usage.ru_maxrss / 1024:.1f} MiB, stopped in {time.time() - started:.2f} s")


if __name__ == "__main__":
    main()
