// Peer: one BitTorrent client on one host, the peer actor's entry point. It owns the listener and
// the torrents, and hands each incoming connection to the torrent its handshake names. Part of
// actors/peer.
//
// Actors. start() spawns, on the host's executor, one accept loop per listener; each incoming
// stream gets a task that reads its handshake (with a timeout, at most
// limits::incoming_handshakes_max at once) and then becomes the connection's task in its torrent.
// Each torrent runs its own tasks (torrent.hpp).
//
// Use:
//   peer::Peer peer(host, {.listen_port = 6881});
//   peer::Torrent& torrent = peer.add_torrent({.info_hash = ..., .disk = ..., .config = ...});
//   peer.start();                        // listen, start every torrent
//   torrent.add_peers(addresses);        // from a tracker, PEX, the command line
//   ... run the host's executor; read torrent.status(), wait for TorrentState::seeding ...
//   peer.stop();                         // close everything; tasks end within shutdown_timeout
//
// Lifetime: the Peer must outlive every task of its host (cancel them and run the executor until
// idle, or destroy the simulated world, before destroying the Peer).
#pragma once

#include "actors/peer/peer_config.hpp"
#include "actors/peer/torrent.hpp"
#include "net/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <vector>

namespace swarmlab::peer {

// "-SL0100-" followed by 12 characters drawn from the generator (Azureus-style client id).
protocol::PeerId make_peer_id(net::Rng& rng);

class Peer {
 public:
  Peer(net::Host& host, PeerConfig config);
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  ~Peer();

  net::Host& host() { return host_; }
  const protocol::PeerId& peer_id() const { return session_.peer_id; }
  // The port we accept connections on; 0 before start().
  std::uint16_t listen_port() const { return session_.listen_port; }

  // Adds a torrent (its info-hash must be new to this peer); it starts with the peer, or at once
  // if the peer runs already.
  Torrent& add_torrent(TorrentParams params);
  Torrent* find_torrent(const protocol::InfoHash& info_hash);
  std::size_t torrent_count() const { return torrents_.size(); }

  // Opens the listeners and starts the torrents. Fails when the port cannot be bound.
  net::Result<void> start();
  // Stops every torrent and closes the listeners.
  void stop();

 private:
  boost::asio::awaitable<void> accept_loop(net::Listener& listener);
  boost::asio::awaitable<void> handle_incoming(net::Stream stream);
  net::Result<void> open_listeners();

  net::Host& host_;
  PeerConfig config_;
  SessionContext session_;
  // One per address family the host has.
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  std::map<protocol::InfoHash, std::unique_ptr<Torrent>> torrents_;
  std::int32_t incoming_handshakes_ = 0;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace swarmlab::peer
