// RealHost: net::Host on real sockets and the steady clock, running on a caller's io_context.
//
// Several RealHosts can share one io_context and one machine and still look like different hosts:
// give each its own addresses (127.0.0.2, 127.0.0.3, ... on loopback). Outgoing connections and UDP
// sockets then leave from the host's own address, and listeners on an unspecified address bind to
// it, so two hosts can both listen on the same port.
//
// This header stays light (no socket headers) because every application includes it.
#pragma once

#include "net/host.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace swarmlab::net {

struct RealHostOptions {
  // The host's own addresses. The first of each family is the source of its connections and the
  // address its unspecified listeners and UDP sockets bind to; a connection to a family the host
  // has no address of fails (address_family_not_supported). Empty: the operating system picks
  // source addresses, and an unspecified address means every interface of the machine.
  std::vector<Address> addresses;
  // Seeds rng(). Real runs are not reproducible as a whole, but actors still draw from a host's
  // own generator so that their code is the same in both backends. Unset: drawn from the
  // operating system's entropy, so that no two hosts, in one process or across runs, draw the
  // same numbers (a peer id among them) unless a caller chose the same seed for them.
  std::optional<std::uint64_t> seed = std::nullopt;
  // Limits shared by all the host's streams, in bytes per second; 0: none. With real sockets they
  // stand in for the access-link capacities of the simulated world. UDP is not limited.
  std::uint64_t upload_rate_bytes_per_second = 0;
  std::uint64_t download_rate_bytes_per_second = 0;
};

struct StreamRateLimits;

class RealHost final : public Host {
 public:
  // `io_context` must outlive the host; the host's tasks must end before it is destroyed.
  RealHost(asio::io_context& io_context, RealHostOptions options);
  ~RealHost() override;

  executor_type get_executor() override;
  // The steady clock, in nanoseconds since its epoch.
  TimePoint now() const override;
  Rng& rng() override { return rng_; }
  std::span<const Address> addresses() const override { return options_.addresses; }

  Timer make_timer() override;
  // SO_REUSEADDR; IPv6 listeners are IPv6-only (listen twice for both families).
  Result<Listener> listen(const Endpoint& local) override;
  Result<Datagram> open_udp(const Endpoint& local) override;

 protected:
  void connect(const Endpoint& remote, StreamHandler handler) override;

 private:
  // The address a socket binds to for `requested`: the host's own address of that family when
  // `requested` is unspecified and the host has one, otherwise `requested` itself.
  Address bind_address(const Address& requested) const;
  // The host's first address of `family`'s family, if it has one.
  const Address* source_address(const Address& family) const;

  asio::io_context& io_context_;
  RealHostOptions options_;
  Rng rng_;
  std::shared_ptr<StreamRateLimits> rate_limits_;  // Null without limits.
};

}  // namespace swarmlab::net
