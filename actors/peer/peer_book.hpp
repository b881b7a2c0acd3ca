// The addresses a torrent may connect to (from trackers, PEX, the command line) and what became of
// each: the torrent's address book. Part of actors/peer; pure logic, time and randomness passed in.
//
// States of an address:
//   ready       may be tried now (held in a pool drawn from at random, so that a crowd of peers
//               given the same list does not all connect to its first entries);
//   waiting     failed or closed; may be tried again at retry_at (the delay doubles per failure);
//   connecting  an outgoing connect or handshake is in progress;
//   connected   a connection (either way) is established;
//   retired     never again (a duplicate, ourselves, both seeds, a wrong torrent);
//   banned      sent bad data; never again, and incoming connections from it are refused.
#pragma once

#include "actors/peer/close_reason.hpp"
#include "actors/peer/session_limits.hpp"
#include "net/endpoint.hpp"
#include "net/rng.hpp"
#include "net/time.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace swarmlab::peer {

class PeerBook {
 public:
  enum class State : std::uint8_t { ready, waiting, connecting, connected, retired, banned };

  explicit PeerBook(std::size_t size_max = limits::candidates_max);

  // A new address; false when it is known already or the book is full.
  bool add(const net::Endpoint& endpoint);
  // Draws a ready address at random (after promoting waiting ones that are due) and marks it
  // connecting.
  std::optional<net::Endpoint> take_next(net::TimePoint now, net::Rng& rng);
  // An outgoing attempt failed before any connection was established.
  void on_connect_failed(const net::Endpoint& endpoint, net::TimePoint now);
  // A connection to this address (the peer's listening address) is established; adds the address
  // if it is new (an incoming peer told us its port).
  void on_connected(const net::Endpoint& endpoint);
  // An established connection ended.
  void on_closed(const net::Endpoint& endpoint, CloseReason reason, net::TimePoint now);
  // Every port of the address.
  void ban(const net::Address& address);
  bool is_banned(const net::Address& address) const;

  std::optional<State> state(const net::Endpoint& endpoint) const;
  // When the earliest waiting address becomes ready.
  std::optional<net::TimePoint> next_retry_at() const;
  std::size_t size() const { return entries_.size(); }
  std::size_t ready_count() const { return ready_.size(); }
  std::size_t count(State state) const;

 private:
  struct Entry {
    State state = State::ready;
    std::int32_t failures = 0;
    net::TimePoint retry_at{};
  };

  void set_state(const net::Endpoint& endpoint, Entry& entry, State state);
  void wait(const net::Endpoint& endpoint, Entry& entry, net::TimePoint now);
  void promote_due(net::TimePoint now);
  void remove_from_ready(const net::Endpoint& endpoint);

  std::size_t size_max_;
  std::map<net::Endpoint, Entry> entries_;
  // Addresses in state ready; order is irrelevant, draws are random.
  std::vector<net::Endpoint> ready_;
  // Addresses in state waiting, by retry time.
  std::set<std::pair<net::TimePoint, net::Endpoint>> waiting_;
  std::set<net::Address> banned_;
};

}  // namespace swarmlab::peer
