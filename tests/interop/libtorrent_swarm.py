#!/usr/bin/python3
"""libtorrent peers that find each other only through a tracker, for the tracker interop tests.

  libtorrent_swarm.py swarm TRACKER_URL WORKDIR [BIND_ADDRESS]
      Makes content and a torrent announcing to TRACKER_URL, starts a seeder, waits until the
      tracker has answered it, then starts a downloader in a second session. Exits 0 once the
      downloader has every piece and its copy matches the original.
  libtorrent_swarm.py seed TRACKER_URL WORKDIR [BIND_ADDRESS]
      Makes content and WORKDIR/content.torrent, seeds it, prints "seeding" once the tracker has
      answered, and keeps seeding until SIGTERM (or its time limit).

DHT, local peer discovery, UPnP and NAT-PMP are off: the tracker is the only way to find a peer.
Every wait is bounded; a failure prints one line and exits non-zero.
"""
import hashlib
import os
import signal
import sys
import time

import libtorrent as lt

TIME_LIMIT_SECONDS = 90
CONTENT_SIZE = 3 * 1024 * 1024 + 12345
PIECE_SIZE = 64 * 1024


def make_content(workdir):
    source = os.path.join(workdir, "seed")
    os.makedirs(source, exist_ok=True)
    path = os.path.join(source, "content.bin")
    block = hashlib.sha256(b"swarmlab tracker interop").digest()
    with open(path, "wb") as out:
        written = 0
        counter = 0
        while written < CONTENT_SIZE:
            chunk = hashlib.sha256(block + counter.to_bytes(8, "big")).digest() * 128
            chunk = chunk[: CONTENT_SIZE - written]
            out.write(chunk)
            written += len(chunk)
            counter += 1
    return source, path


def make_torrent(path, tracker_url, output):
    storage = lt.file_storage()
    lt.add_files(storage, path)
    creator = lt.create_torrent(storage, PIECE_SIZE, flags=lt.create_torrent.v1_only)
    creator.add_tracker(tracker_url)
    lt.set_piece_hashes(creator, os.path.dirname(path))
    with open(output, "wb") as out:
        out.write(lt.bencode(creator.generate()))
    return lt.torrent_info(output)


def make_session(bind_address):
    settings = {
        "listen_interfaces": f"{bind_address}:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": lt.alert.category_t.tracker_notification
        | lt.alert.category_t.error_notification
        | lt.alert.category_t.status_notification,
        "announce_to_all_trackers": True,
    }
    return lt.session(settings)


def wait_for_tracker_reply(session, deadline):
    """Waits until a tracker reply arrives; returns the reply's message."""
    while time.time() < deadline:
        session.wait_for_alert(500)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.tracker_reply_alert):
                return alert.message()
            if isinstance(alert, lt.tracker_error_alert):
                print("tracker error:", alert.message(), flush=True)
    fail("no tracker reply in time")


def fail(reason):
    print("FAILED:", reason, flush=True)
    sys.exit(1)


def start_seeder(tracker_url, workdir, bind_address, deadline):
    source, path = make_content(workdir)
    info = make_torrent(path, tracker_url, os.path.join(workdir, "content.torrent"))
    session = make_session(bind_address)
    handle = session.add_torrent({"ti": info, "save_path": source})
    while not handle.status().is_seeding:
        if time.time() > deadline:
            fail("the seeder did not verify its content")
        time.sleep(0.1)
    handle.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
    print("seeder:", wait_for_tracker_reply(session, deadline), flush=True)
    return session, handle, info, path


def swarm(tracker_url, workdir, bind_address):
    deadline = time.time() + TIME_LIMIT_SECONDS
    seeder_session, seeder, info, original = start_seeder(tracker_url, workdir, bind_address, deadline)
    target = os.path.join(workdir, "download")
    os.makedirs(target, exist_ok=True)
    session = make_session(bind_address)
    handle = session.add_torrent({"ti": info, "save_path": target})
    print("downloader:", wait_for_tracker_reply(session, deadline), flush=True)
    last_nudge = time.time()
    while not handle.status().is_seeding:
        if time.time() > deadline:
            status = handle.status()
            fail(f"download incomplete: {status.progress:.2%}, {status.num_peers} peers")
        # Should a reply have come before the seeder was listed, ask again.
        if time.time() - last_nudge > 5:
            handle.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
            last_nudge = time.time()
        time.sleep(0.1)
        session.pop_alerts()
        seeder_session.pop_alerts()
    with open(original, "rb") as a, open(os.path.join(target, "content.bin"), "rb") as b:
        if a.read() != b.read():
            fail("downloaded content differs")
    print("complete", flush=True)


def seed(tracker_url, workdir, bind_address):
    deadline = time.time() + TIME_LIMIT_SECONDS
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    session, handle, info, original = start_seeder(tracker_url, workdir, bind_address, deadline)
    print("seeding", flush=True)
    while not stop and time.time() < deadline + TIME_LIMIT_SECONDS:
        time.sleep(0.2)
        session.pop_alerts()


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("swarm", "seed"):
        print(__doc__)
        sys.exit(2)
    mode, tracker_url, workdir = sys.argv[1:4]
    bind_address = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
    (swarm if mode == "swarm" else seed)(tracker_url, workdir, bind_address)


if __name__ == "__main__":
    main()
