// ConnectionIds: the connection ids of the UDP tracker protocol (BEP 15), issued without keeping
// any state per client. An id is
//
//   | issue time, whole seconds mod 2^16 (16 bits) | SHA-1(secret, address, issue time) (48 bits) |
//
// where the secret is 32 bytes drawn from the host's generator when the tracker starts. Anyone can
// read the issue time, but without the secret nobody can make an id that verifies: forging one is
// a 2^-48 guess. An id verifies only from the IP address it was issued to, and only until
// limits::connection_id_lifetime after it was issued (the full issue time is rebuilt from the
// 16-bit one and the current time, so an old id cannot come back when the 16 bits wrap around).
// The prefix-keyed SHA-1 is safe here because every input has the same length (53 bytes: one
// SHA-1 block; the issue time enters as whole seconds mod 2^32, which repeats only after 136
// years). Part of actors/tracker; pure logic, no I/O.
//
// Why the address and not the port: the id proves that the client receives what is sent to its
// address, which is what stops spoofed sources. Clients share one id between their sockets
// (libtorrent keeps one per tracker for the whole process), so an id bound to a port would be
// refused to the client's other sockets, while binding it to the port would stop no attack.
#pragma once

#include "net/rng.hpp"
#include "net/time.hpp"
#include "protocol/peer_address.hpp"
#include "protocol/sha1.hpp"

#include <array>
#include <cstdint>

namespace swarmlab::tracker {

class ConnectionIds {
 public:
  explicit ConnectionIds(net::Rng& rng);

  std::uint64_t issue(const protocol::PeerAddress& client, net::TimePoint now) const;
  bool verify(std::uint64_t connection_id, const protocol::PeerAddress& client,
              net::TimePoint now) const;

 private:
  std::uint64_t tag(const protocol::PeerAddress& client, std::int64_t issued_seconds) const;

  std::array<std::uint8_t, 32> secret_{};
  // Scratch state reused by every tag, so that checking an id allocates nothing: one OpenSSL
  // context for the tracker's lifetime instead of one per datagram. Not part of the value.
  mutable protocol::Sha1Hasher hasher_;
};

}  // namespace swarmlab::tracker
