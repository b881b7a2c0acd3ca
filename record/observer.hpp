// The observer interface: what actors (peers, trackers, DHT nodes) report about what they do. The
// SQLite recorder, the invariant checkers of a simulated run and the live status line of the CLI
// are observers. Every method has an empty default, and actors hold an `Observer*` that may be
// null, so reporting costs one pointer test when nobody listens.
//
// Terms: `self` is the reporting actor's id (the host id in a simulated world; 0 on real sockets);
// `remote` is the other end as it appears on the wire. Times are the reporting host's clock.
#pragma once

#include "net/time.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace swarmlab::record {

using ActorId = std::uint32_t;
using protocol::PeerAddress;
using TimePoint = net::TimePoint;

enum class Direction : std::uint8_t { outgoing, incoming };
// Who did it: we (the reporting actor) or the remote peer.
enum class Side : std::uint8_t { local, remote };
enum class AnnounceEvent : std::uint8_t { none, started, completed, stopped };
enum class TrackerRequest : std::uint8_t { announce, scrape };

// A block of a piece: `piece` index, `offset_bytes` into the piece, `length_bytes`.
struct BlockRef {
  std::uint32_t piece = 0;
  std::uint32_t offset_bytes = 0;
  std::uint32_t length_bytes = 0;
};

class Observer {
 public:
  virtual ~Observer() = default;

  // Connections.
  virtual void on_connected(TimePoint, ActorId /*self*/, const PeerAddress& /*remote*/, Direction) {
  }
  virtual void on_disconnected(TimePoint, ActorId, const PeerAddress&,
                               std::string_view /*reason*/) {}
  // `side` chokes (or stops choking) the other.
  virtual void on_choke(TimePoint, ActorId, const PeerAddress&, Side, bool /*choked*/) {}
  // `side` becomes interested (or not) in the other.
  virtual void on_interest(TimePoint, ActorId, const PeerAddress&, Side, bool /*interested*/) {}

  // Data. `side` is the requester for requests and the sender for blocks.
  virtual void on_request(TimePoint, ActorId, const PeerAddress&, Side, const BlockRef&) {}
  virtual void on_block(TimePoint, ActorId, const PeerAddress&, Side, const BlockRef&) {}

  // Pieces. A piece counts as ours only once verified; HAVE is announced only after that.
  virtual void on_piece_verified(TimePoint, ActorId, std::uint32_t /*piece*/) {}
  virtual void on_hash_failed(TimePoint, ActorId, std::uint32_t /*piece*/,
                              std::span<const PeerAddress> /*contributors*/) {}
  virtual void on_have_sent(TimePoint, ActorId, const PeerAddress&, std::uint32_t /*piece*/) {}
  virtual void on_banned(TimePoint, ActorId, const PeerAddress&, std::string_view /*reason*/) {}
  virtual void on_completed(TimePoint, ActorId) {}

  // Tracker client side: one announce and its outcome (`peers` received, or an error).
  virtual void on_announce(TimePoint, ActorId, std::string_view /*tracker_url*/, AnnounceEvent,
                           bool /*succeeded*/, std::size_t /*peers*/) {}

  // Tracker server side: one request served.
  virtual void on_tracker_request(TimePoint, ActorId /*tracker*/, TrackerRequest,
                                  const PeerAddress& /*from*/, const protocol::InfoHash&,
                                  AnnounceEvent) {}

  // World events, reported by the scenario engine rather than by actors. A host joins the swarm
  // holding the pieces of `bitfield` (BEP 3 layout: piece 0 is the high bit of byte 0; empty means
  // none), and leaves it (departure, crash) for `reason`. A restarted host joins again.
  virtual void on_host_joined(TimePoint, ActorId, std::span<const std::uint8_t> /*bitfield*/) {}
  virtual void on_host_left(TimePoint, ActorId, std::string_view /*reason*/) {}
  // A fault injected into the world (partition, link change, tracker outage, ...), naming the host
  // it concerns when there is one.
  virtual void on_fault(TimePoint, std::optional<ActorId> /*host*/,
                        std::string_view /*description*/) {}
};

}  // namespace swarmlab::record
