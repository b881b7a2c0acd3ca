// How a joining peer learns whom to connect to, behind one seam. DirectDiscovery does what a
// tracker's reply would: every seed present (up to seeds_max) and a random sample of the other
// peers present, at most known_peers_max addresses in all. Part of scenarios/; no I/O.
#pragma once

#include "net/rng.hpp"
#include "protocol/peer_address.hpp"

#include <cstddef>
#include <map>
#include <vector>

namespace swarmlab::scenarios {

class DirectDiscovery {
 public:
  static constexpr std::size_t known_peers_max = 40;
  static constexpr std::size_t seeds_max = 5;
  static_assert(seeds_max < known_peers_max);

  // Slot `slot` is present at `address`; `seed` if it has every piece.
  void add(std::size_t slot, const protocol::PeerAddress& address, bool seed);
  void set_seed(std::size_t slot, bool seed);
  void remove(std::size_t slot);
  // What slot `self` is told when it joins (never its own address).
  std::vector<protocol::PeerAddress> sample(std::size_t self, net::Rng& rng) const;

 private:
  struct Entry {
    protocol::PeerAddress address;
    bool seed = false;
  };
  // By slot: ordered, so sampling depends only on the generator.
  std::map<std::size_t, Entry> present_;
};

}  // namespace swarmlab::scenarios
