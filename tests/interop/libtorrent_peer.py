#!/usr/bin/python3
"""One libtorrent peer for the peer interop tests and benchmarks, found by address only.

  libtorrent_peer.py seed TORRENT SAVE_PATH BIND_ADDRESS [TIME_LIMIT_SECONDS]
      Seeds TORRENT from SAVE_PATH (which holds its content). Prints "port: N" once listening and
      "seeding" once its data is verified, then serves until SIGTERM or the time limit.
  libtorrent_peer.py download TORRENT|MAGNET SAVE_PATH BIND_ADDRESS PEER_IP:PORT [TIME_LIMIT_SECONDS]
      Downloads into SAVE_PATH from the peer at PEER_IP:PORT. Prints "complete" and figures
      ("seconds: S", "bytes: B") and exits 0 once every piece is verified.

No tracker, DHT, local peer discovery, UPnP or NAT-PMP. Every wait is bounded; a failure prints one
line starting with "FAILED:" and exits non-zero.
"""
import signal
import sys
import time

import libtorrent as lt

DEFAULT_TIME_LIMIT_SECONDS = 120


def fail(reason):
    print("FAILED:", reason, flush=True)
    sys.exit(1)


def make_session(bind_address):
    return lt.session({
        "listen_interfaces": f"{bind_address}:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        # TCP only: libtorrent would try uTP first and wait for it to time out.
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "alert_mask": lt.alert.category_t.error_notification,
    })


def add_torrent(session, source, save_path):
    if source.startswith("magnet:"):
        params = lt.parse_magnet_uri(source)
        params.save_path = save_path
        return session.add_torrent(params)
    return session.add_torrent({"ti": lt.torrent_info(source), "save_path": save_path})


def wait_listening(session, deadline):
    while session.listen_port() == 0:
        if time.time() > deadline:
            fail("not listening")
        time.sleep(0.05)
    return session.listen_port()


def seed(source, save_path, bind_address, limit):
    deadline = time.time() + limit
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    session = make_session(bind_address)
    handle = add_torrent(session, source, save_path)
    print("port:", wait_listening(session, deadline), flush=True)
    while not handle.status().is_seeding:
        if time.time() > deadline:
            fail(f"the seeder did not verify its content ({handle.status().progress:.2%})")
        time.sleep(0.05)
    print("seeding", flush=True)
    while not stop and time.time() < deadline:
        time.sleep(0.1)
        session.pop_alerts()
    status = handle.status()
    print("uploaded:", status.all_time_upload, flush=True)


def download(source, save_path, bind_address, peer, limit):
    deadline = time.time() + limit
    host, _, port = peer.rpartition(":")
    session = make_session(bind_address)
    handle = add_torrent(session, source, save_path)
    started = time.time()
    last_connect = 0.0
    while not handle.status().is_seeding:
        now = time.time()
        if now > deadline:
            status = handle.status()
            fail(f"download incomplete: {status.progress:.2%}, {status.num_peers} peers")
        # Connect again should the connection fail or the peer not be ready yet.
        if handle.status().num_peers == 0 and now - last_connect > 1:
            handle.connect_peer((host.strip("[]"), int(port)))
            last_connect = now
        time.sleep(0.02)
        session.pop_alerts()
    seconds = time.time() - started
    status = handle.status()
    print("complete", flush=True)
    print("seconds:", f"{seconds:.3f}", flush=True)
    print("bytes:", status.total_wanted, flush=True)


def main():
    args = sys.argv[1:]
    if len(args) >= 4 and args[0] == "seed":
        seed(args[1], args[2], args[3], float(args[4]) if len(args) > 4 else DEFAULT_TIME_LIMIT_SECONDS)
    elif len(args) >= 5 and args[0] == "download":
        download(args[1], args[2], args[3], args[4],
                 float(args[5]) if len(args) > 5 else DEFAULT_TIME_LIMIT_SECONDS)
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
