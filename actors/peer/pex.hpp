// PexExtension: peer exchange (ut_pex, BEP 11) for one torrent. Every interval (a minute, as BEP
// 11 asks) it tells each connected peer that speaks ut_pex which peers we connected to and which
// we lost since the last message (at most 50 of each), and it adds the peers others tell us about
// to the torrent's address book (at most 50 per message; messages that come faster than half an
// interval are ignored). Part of actors/peer.
//
// Use: torrent.extensions().add(std::make_unique<PexExtension>(torrent, host)); before start(). Its
// periodic task starts with the first peer that speaks ut_pex and ends when the torrent stops.
#pragma once

#include "actors/peer/extension_table.hpp"
#include "net/host.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace swarmlab::peer {

class Torrent;

struct PexOptions {
  net::Duration interval = std::chrono::seconds(60);
  // Per message sent, and per message received that we act on.
  std::size_t added_max = 50;
  std::size_t dropped_max = 50;
};

class PexExtension final : public ExtensionHandler {
 public:
  // `host`: the torrent's host (its clock and task runner).
  PexExtension(Torrent& torrent, net::Host& host, PexOptions options = {});

  std::string_view name() const override;
  void on_handshake(ExtensionPeer& peer,
                    const protocol::extension::ExtensionHandshake& theirs) override;
  ExtensionVerdict on_message(ExtensionPeer& peer, std::span<const std::uint8_t> payload) override;
  void on_disconnect(PeerKey peer) override;

  // Addresses learned from others and handed to the address book; messages sent.
  std::uint64_t peers_learned() const { return peers_learned_; }
  std::uint64_t messages_sent() const { return messages_sent_; }

 private:
  struct Remote {
    ExtensionPeer* peer = nullptr;
    std::uint8_t remote_id = 0;
    // What this peer has been told is connected.
    std::set<protocol::PeerAddress> shared;
    std::optional<net::TimePoint> last_received;
  };

  boost::asio::awaitable<void> run();
  void send_round();
  void send_to(Remote& remote, const std::vector<protocol::extension::PexPeer>& current);
  // The listening addresses of our live connections, in address order.
  std::vector<protocol::extension::PexPeer> connected_peers() const;

  Torrent& torrent_;
  net::Host& host_;
  PexOptions options_;
  std::map<PeerKey, Remote> remotes_;
  bool running_ = false;
  std::uint64_t peers_learned_ = 0;
  std::uint64_t messages_sent_ = 0;
};

}  // namespace swarmlab::peer
